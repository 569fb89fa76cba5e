#include "scidl/train/run_config.h"

#include <fmt/format.h>

#include "scidl/data/csv.h"
#include "scidl/data/synthetic.h"
#include "scidl/nn/model_spec.h"
#include "scidl/optim/factory.h"
#include "scidl/train/losses.h"
#include "scidl/train/metrics.h"

namespace scidl::train {

namespace {
std::filesystem::path resolve(const std::filesystem::path& base, const std::string& p) {
  std::filesystem::path path(p);
  return path.is_absolute() || base.empty() ? path : base / path;
}
}  // namespace

RunConfig parse_run_config(io::ConfigDocument& doc, const std::filesystem::path& base) {
  RunConfig c;
  c.source_name = doc.file;
  auto root = doc.root();
  if (auto v = root.integer("seed")) c.seed = static_cast<uint64_t>(*v);

  auto data = root.section("data");
  if (!data) root.fail("data", "is missing: add a [data] table naming the training data");
  c.data.source = data->choice("source", {"csv", "damped_oscillator"}).value_or("csv");
  if (c.data.source == "csv") {
    auto x = data->string("x");
    auto y = data->string("y");
    if (!x) data->fail("x", "is missing: the CSV file of inputs");
    if (!y) data->fail("y", "is missing: the CSV file of targets");
    c.data.x = resolve(base, *x);
    c.data.y = resolve(base, *y);
    if (auto g = data->string("groups")) c.data.groups = resolve(base, *g);
  } else {
    c.data.trajectories = data->integer("trajectories").value_or(c.data.trajectories);
    c.data.points = data->integer("points").value_or(c.data.points);
  }
  c.data.targets = data->choice("targets", {"values", "classes"}).value_or("values");
  c.data.validation_split = data->number("validation_split").value_or(c.data.validation_split);
  if (c.data.validation_split < 0 || c.data.validation_split >= 1)
    data->fail("validation_split", "must be in [0, 1)");
  c.data.split = data->choice("split", {"row", "group"}).value_or("row");
  data->finish();

  auto model = root.section("model");
  if (!model) root.fail("model", "is missing: add a [model] table with inputs and layers");
  c.model = nlohmann::json::object();
  for (const char* k : {"inputs", "layers", "init", "dtype"})
    if (auto j = model->json(k)) c.model[k] = *j;
  model->finish();
  try {
    nn::build_model(c.model, 0);  // validate now, with the config's name in the message
  } catch (const std::invalid_argument& e) {
    throw io::ConfigError(fmt::format("{}: {}", doc.file, e.what()));
  }

  if (auto o = root.section("optimizer")) {
    auto& s = c.optimizer;
    s.type = o->choice("type", optim::optimizer_names()).value_or(s.type);
    s.lr = o->number("lr").value_or(s.lr);
    s.momentum = o->number("momentum").value_or(s.momentum);
    s.dampening = o->number("dampening").value_or(s.dampening);
    s.nesterov = o->boolean("nesterov").value_or(s.nesterov);
    if (auto b = o->numbers("betas")) {
      if (b->size() != 2) o->fail("betas", "must hold two numbers, e.g. [0.9, 0.999]");
      s.beta1 = (*b)[0];
      s.beta2 = (*b)[1];
    }
    s.eps = o->number("eps").value_or(s.eps);
    s.weight_decay = o->number("weight_decay").value_or(s.weight_decay);
    o->finish();
  }

  if (auto t = root.section("training")) {
    auto& s = c.training;
    s.epochs = static_cast<int>(t->integer("epochs").value_or(s.epochs));
    s.batch_size = t->integer("batch_size").value_or(s.batch_size);
    s.loss = t->choice("loss", loss_names()).value_or(s.loss);
    if (auto m = t->strings("metrics")) {
      for (const auto& name : *m)
        if (!is_metric_name(name) && name != "confusion_matrix")
          t->fail("metrics", fmt::format("names an unknown metric '{}'; choose from {}, "
                                         "confusion_matrix (topN_accuracy for another k)",
                                         name, fmt::join(metric_names(), ", ")));
      s.metrics = *m;
    }
    s.shuffle = t->boolean("shuffle").value_or(s.shuffle);
    if (s.epochs < 1) t->fail("epochs", "must be at least 1");
    if (s.batch_size < 1) t->fail("batch_size", "must be at least 1");
    t->finish();
  }

  std::string stem = std::filesystem::path(doc.file).stem().string();
  c.output_dir = std::filesystem::path("runs") / (stem.empty() ? "run" : stem);
  if (auto out = root.section("output")) {
    if (auto d = out->string("dir")) c.output_dir = *d;
    c.checkpoint_every_n_steps = out->integer("checkpoint_every_n_steps").value_or(0);
    if (c.checkpoint_every_n_steps < 0)
      out->fail("checkpoint_every_n_steps", "must be >= 0 (0: checkpoint at epoch ends only)");
    c.plots = out->boolean("plots").value_or(true);
    out->finish();
  }
  if (c.training.loss == "cross_entropy" || c.training.loss == "nll") c.data.targets = "classes";
  if (auto cbs = root.json("callbacks")) c.callbacks_json = *cbs;
  c.callbacks = parse_callbacks(doc, logged_names(c));
  root.finish();
  return c;
}

data::Dataset load_dataset(const DataSpec& spec, uint64_t seed) {
  if (spec.source == "damped_oscillator")
    return data::damped_oscillator_dataset(spec.trajectories, spec.points, seed);
  data::CsvTable x = data::read_csv(spec.x);
  data::CsvTable y = data::read_csv(spec.y);
  if (x.rows != y.rows)
    throw std::invalid_argument(
        fmt::format("'{}' has {} rows but '{}' has {}; they must match row for row",
                    spec.x.string(), x.rows, spec.y.string(), y.rows));
  data::Dataset d;
  d.x = from_vector(x.values, {x.rows, x.cols}, DType::Float32);
  d.x_names = x.column_names;
  d.y_names = y.column_names;
  if (spec.targets == "classes") {
    if (y.cols != 1)
      throw std::invalid_argument(
          fmt::format("'{}': class targets need one column, found {}", spec.y.string(), y.cols));
    std::vector<int64_t> labels(y.rows);
    for (int64_t i = 0; i < y.rows; ++i) {
      double v = y.values[i];
      if (v != std::floor(v) || v < 0)
        throw std::invalid_argument(
            fmt::format("'{}': row {} holds {}, not a class index", spec.y.string(), i + 1, v));
      labels[i] = static_cast<int64_t>(v);
    }
    d.y = from_vector(labels, {y.rows});
  } else {
    d.y = from_vector(y.values, {y.rows, y.cols}, DType::Float32);
  }
  if (!spec.groups.empty()) {
    data::CsvTable g = data::read_csv(spec.groups);
    if (g.rows != x.rows || g.cols != 1)
      throw std::invalid_argument(
          fmt::format("'{}' must hold one group id per row of '{}' ({} rows), found {}x{}",
                      spec.groups.string(), spec.x.string(), x.rows, g.rows, g.cols));
    std::vector<int64_t> ids(g.values.begin(), g.values.end());
    d.groups = from_vector(ids, {g.rows});
  }
  return d;
}

nlohmann::json to_json(const RunConfig& c) {
  nlohmann::json j;
  j["seed"] = c.seed;
  j["data"] = {{"source", c.data.source},   {"x", c.data.x.string()},
               {"y", c.data.y.string()},    {"groups", c.data.groups.string()},
               {"targets", c.data.targets}, {"validation_split", c.data.validation_split},
               {"split", c.data.split},     {"trajectories", c.data.trajectories},
               {"points", c.data.points}};
  j["model"] = c.model;
  const auto& o = c.optimizer;
  j["optimizer"] = {{"type", o.type},         {"lr", o.lr},
                    {"momentum", o.momentum}, {"dampening", o.dampening},
                    {"nesterov", o.nesterov}, {"betas", {o.beta1, o.beta2}},
                    {"eps", o.eps},           {"weight_decay", o.weight_decay}};
  const auto& t = c.training;
  j["training"] = {{"epochs", t.epochs},
                   {"batch_size", t.batch_size},
                   {"loss", t.loss},
                   {"metrics", t.metrics},
                   {"shuffle", t.shuffle}};
  j["output"] = {{"dir", c.output_dir.string()},
                 {"checkpoint_every_n_steps", c.checkpoint_every_n_steps},
                 {"plots", c.plots}};
  j["callbacks"] = c.callbacks_json;
  return j;
}

std::vector<std::string> logged_names(const RunConfig& c) {
  std::vector<std::string> train{"loss"};
  for (const auto& m : c.training.metrics)
    if (m != "confusion_matrix") train.push_back(m == "acc" ? "accuracy" : m);
  std::vector<std::string> names = train;
  names.push_back("lr");
  if (c.data.validation_split > 0)
    for (const auto& n : train) names.push_back("val_" + n);
  return names;
}

}  // namespace scidl::train
