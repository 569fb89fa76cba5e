#include "scidl/train/run_config.h"

#include <fmt/format.h>

#include <cmath>

#include "scidl/data/augment.h"
#include "scidl/nn/model_spec.h"
#include "scidl/optim/factory.h"
#include "scidl/optim/lr_schedule.h"
#include "scidl/optim/regularization.h"
#include "scidl/train/config_keys.h"
#include "scidl/train/losses.h"
#include "scidl/train/metrics.h"

namespace scidl::train {

namespace {
std::filesystem::path resolve(const std::filesystem::path& base, const std::string& p) {
  std::filesystem::path path(p);
  return path.is_absolute() || base.empty() ? path : base / path;
}
// [data] path = one table and target = its target column(s), instead of x and y files.
void parse_table(io::ConfigSection& data, const std::string& path,
                 const std::filesystem::path& base, DataSpec& spec) {
  for (const char* k : {"x", "y"})
    if (data.string(k))
      data.fail(k,
                "and path both name the data; keep path (one table, with target naming its "
                "target columns) or x and y (two files)");
  if (data.integer("window"))
    data.fail("window", "reads a series from x; with path, name the series file x instead");
  spec.table = resolve(base, path);
  const auto target = data.json("target");
  if (!target)
    data.missing("target", fmt::format("the column of '{}' holding the targets, e.g. "
                                       "target = \"species\" (or a list of columns)",
                                       path));
  if (target->is_string()) {
    spec.target = {target->get<std::string>()};
  } else if (target->is_array() && !target->empty() &&
             std::all_of(target->begin(), target->end(),
                         [](const auto& v) { return v.is_string(); })) {
    spec.target = target->get<std::vector<std::string>>();
  } else {
    data.fail("target", fmt::format("must be a column name or a non-empty list of them, got {}",
                                    target->dump()));
  }
  for (size_t i = 0; i < spec.target.size(); ++i) {
    if (spec.target[i].empty()) data.fail("target", "names an empty column");
    if (std::count(spec.target.begin(), spec.target.end(), spec.target[i]) > 1)
      data.fail("target", fmt::format("names '{}' twice", spec.target[i]));
  }
}

// Refuses a key the schedule's type does not declare, with the likeliest meant.
void check_lr_schedule_keys(io::ConfigSection& s) {
  auto type = s.choice("type");
  if (!type)
    s.missing("type", fmt::format("choose one of {}", fmt::join(optim::lr_schedule_names(), ", ")));
  const io::KeyTable& keys = lr_schedule_keys(*type);
  s.use_keys(keys);
  for (const auto& key : keys.names()) s.json(key);  // optim::make_lr_schedule reads their values
  s.finish();
}

// [lr_schedule] type = "step" | "exponential" | "cosine" | "reduce_on_plateau", the schedule's
// options (optim/lr_schedule.h), and monitor (ReduceLROnPlateau's metric; val_loss by default).
void parse_lr_schedule(io::ConfigSection& root, RunConfig& c) {
  auto s = root.section("lr_schedule", &lr_schedule_keys());
  if (!s) return;
  check_lr_schedule_keys(*s);
  auto j = *root.json("lr_schedule");
  std::vector<std::string> logged = logged_names(c);
  c.lr_schedule_monitor = c.data.has_validation() ? "val_loss" : "loss";
  if (j.contains("monitor")) {
    c.lr_schedule_monitor = *s->string("monitor");
    if (std::find(logged.begin(), logged.end(), c.lr_schedule_monitor) == logged.end())
      s->fail("monitor", fmt::format("is '{}', which this run never logs; choose one of {}",
                                     c.lr_schedule_monitor, fmt::join(logged, ", ")));
    j.erase("monitor");
  }
  try {  // build one against a throwaway optimizer: every type and option error shows now
    Tensor p = zeros({1});
    p.requires_grad_();
    auto probe = optim::make_optimizer(optim::default_optimizer_spec("sgd"), {p});
    optim::make_lr_schedule(j, *probe);
  } catch (const std::invalid_argument& e) {
    throw io::ConfigError(fmt::format("{}: [lr_schedule]: {}", s->file(), e.what()));
  }
  c.lr_schedule = j;
}

}  // namespace

RunConfig parse_run_config(io::ConfigDocument& doc, const std::filesystem::path& base) {
  RunConfig c;
  c.source_name = doc.file;
  auto root = doc.root(&root_keys());
  if (auto v = root.integer("seed")) {
    if (*v < 0) root.fail("seed", fmt::format("must be 0 or more, got {}", *v));
    c.seed = static_cast<uint64_t>(*v);
  }

  auto data = root.section("data", &data_keys());
  if (!data) root.missing("data", "add a [data] table naming the training data");
  c.data.source = data->choice("source", {"csv", "damped_oscillator", "fashion_mnist", "idx", "tu",
                                          "molecules", "graphs"})
                      .value_or("csv");
  // Folders scidl writes in the TU format: `molecules prepare` (its atom features are node
  // attributes) and `graphs generate`. Both read as "tu".
  const bool molecules = c.data.source == "molecules";
  if (molecules || c.data.source == "graphs") c.data.source = "tu";
  auto table = c.data.source == "csv" ? data->string("path") : std::nullopt;
  if (table) parse_table(*data, *table, base, c.data);
  if (c.data.source == "csv") {
    auto x = table ? std::nullopt : data->string("x");
    auto y = table ? std::nullopt : data->string("y");
    if (!x && !table)
      data->missing("x", "the CSV file of inputs (or path = one table with a target column)");
    if (table) {
      x = c.data.table.string();  // group_column and inputs read the table's columns
    } else if (auto w = data->integer("window")) {
      if (*w < 1) data->fail("window", fmt::format("must be at least 1 point, got {}", *w));
      c.data.window = *w;
      c.data.window_target = data->choice("window_target", {"next", "difference"}).value_or("next");
      if (y && !y->empty())
        data->fail("y",
                   "is not used with window: each window's target is the point after it "
                   "(remove y)");
    } else {
      if (data->string("window_target"))
        data->fail("window_target", "needs window = k (the points of each window)");
      if (!y) data->missing("y", "the CSV file of targets");
      c.data.y = resolve(base, *y);
    }
    c.data.x = table ? c.data.table : resolve(base, *x);
    if (auto g = data->string("groups")) c.data.groups = resolve(base, *g);
    if (auto g = data->string("group_column")) {
      if (g->empty())
        data->fail("group_column", "is empty: name the column of x holding group ids");
      if (!c.data.groups.empty())
        data->fail("group_column", "and groups both name the groups; keep one");
      c.data.group_column = *g;
    }
    if (auto columns = data->strings("x_columns")) {
      if (columns->empty()) data->fail("x_columns", "is empty: name at least one column of x");
      c.data.x_columns = *columns;
    }
    if (auto named = data->json("inputs")) {
      if (!named->is_object() || named->empty())
        data->fail("inputs",
                   "must be a table of further model inputs, each a list of column "
                   "names of x: inputs = { c = [\"d\", \"e\"] }");
      for (const auto& [name, cols] : named->items()) {
        if (name == "x" || name == "y")
          data->fail("inputs", fmt::format("'{}' is the data's own {}; name further inputs "
                                           "otherwise (x's columns are x_columns)",
                                           name, name));
        if (!cols.is_array() || cols.empty() ||
            !std::all_of(cols.begin(), cols.end(), [](const auto& v) { return v.is_string(); }))
          data->fail("inputs", fmt::format("input '{}' must be a non-empty list of column names, "
                                           "got {}",
                                           name, cols.dump()));
        c.data.inputs.emplace_back(name, cols.get<std::vector<std::string>>());
      }
    }
    c.data.header = data->boolean("header");
    if (c.data.header == false && !c.data.inputs.empty())
      data->fail("header", "is false, but inputs choose columns by their header names");
    if (c.data.header == false && !c.data.x_columns.empty())
      data->fail("header", "is false, but x_columns chooses columns by their header names");
    if (c.data.header == false && table)
      data->fail("header", "is false, but target names a column of path's header");
  } else if (c.data.source == "damped_oscillator") {
    c.data.trajectories = data->integer("trajectories").value_or(c.data.trajectories);
    c.data.points = data->integer("points").value_or(c.data.points);
  } else if (c.data.source == "tu") {
    // A TU-format graph dataset (Mutagenicity, MUTAG, ... or one scidl wrote), PyG's reading.
    auto path = data->string("path");
    if (!path)
      data->missing("path", "the folder holding NAME_A.txt, NAME_graph_indicator.txt, ...");
    c.data.graph_dir = resolve(base, *path);
    c.data.graph_name = data->string("name").value_or(c.data.graph_dir.filename().string());
    c.data.node_attributes = data->boolean("node_attributes").value_or(molecules);
  } else if (c.data.source == "idx") {
    auto images = data->string("images");
    auto labels = data->string("labels");
    if (!images) data->missing("images", "the IDX file of images (gzip or plain)");
    if (!labels) data->missing("labels", "the IDX file of labels");
    c.data.images = resolve(base, *images);
    c.data.labels = resolve(base, *labels);
  }
  if (c.data.source == "fashion_mnist" || c.data.source == "idx") c.data.targets = "classes";
  if (auto a = data->json("augment")) {
    data::parse_augment_options(*a, data->key_path("augment"));  // throws naming the key
    c.data.augment = *a;
  }
  c.data.targets = data->choice("targets", {"values", "classes"}).value_or(c.data.targets);
  const auto split_given = data->number("validation_split");
  c.data.validation_split = split_given.value_or(c.data.validation_split);
  if (c.data.validation_split < 0 || c.data.validation_split >= 1)
    data->fail("validation_split", "must be in [0, 1)");
  c.data.split = data->choice("split", {"row", "group"}).value_or("row");
  if (auto v = data->integer("split_seed")) {
    if (*v < 0) data->fail("split_seed", fmt::format("must be 0 or more, got {}", *v));
    c.data.split_seed = static_cast<uint64_t>(*v);
  }
  // Only the generated oscillator data brings its own groups (one per trajectory).
  if (c.data.split == "group" && c.data.validation_split > 0 && c.data.groups.empty() &&
      c.data.group_column.empty() && c.data.source != "damped_oscillator")
    data->fail("split", fmt::format("\"group\" needs data.groups: a CSV with one group id per row "
                                    "of {} (e.g. the run_id.csv `scidl three-body generate` "
                                    "writes), or data.group_column naming a column of x",
                                    c.data.source == "csv" ? "data.x" : "the data"));
  c.data.validation = data->string("validation").value_or("");
  if (!c.data.validation.empty() && c.data.validation != "test") {
    if (c.data.table.empty())
      data->fail("validation", fmt::format("names a file ('{}'), which needs path = one table "
                                           "of inputs and targets; or \"test\" for a source "
                                           "with a test set",
                                           c.data.validation));
    c.data.validation_table = resolve(base, c.data.validation);
    c.data.validation = "table";
    if (!c.data.inputs.empty())
      data->fail("validation",
                 "names a table, which is read for x alone; a model of further "
                 "named inputs (inputs = ...) validates on validation_split");
    // Keras: validation_data replaces validation_split (whose default here is 0.1)
    if (split_given && *split_given > 0)
      data->fail("validation", fmt::format("names a table, which replaces validation_split, "
                                           "which is {}; set validation_split = 0",
                                           c.data.validation_split));
    c.data.validation_split = 0;
  } else if (!c.data.validation.empty()) {
    if (c.data.source != "fashion_mnist")
      data->fail("validation", fmt::format("\"test\" needs source = \"fashion_mnist\" (this "
                                           "source is \"{}\", which has no test set); use "
                                           "validation_split",
                                           c.data.source));
    if (c.data.validation_split > 0)
      data->fail("validation", fmt::format("\"test\" replaces validation_split, which is {}; set "
                                           "validation_split = 0",
                                           c.data.validation_split));
  }
  data->finish();

  auto model = root.section("model", &model_keys());
  if (!model) root.missing("model", "add a [model] table with inputs and layers");
  c.model = nlohmann::json::object();
  for (const char* k : {"inputs", "layers", "init", "dtype", "output"})
    if (auto j = model->json(k)) c.model[k] = *j;
  model->finish();
  try {
    nn::build_model(c.model, 0);  // validate now, with the config's name in the message
  } catch (const std::invalid_argument& e) {
    throw io::ConfigError(fmt::format("{}: {}", doc.file, e.what()));
  }

  if (auto o = root.section("optimizer", &optimizer_keys())) {
    // Start from PyTorch's defaults for the type; accept only the options that type reads.
    std::string type = o->choice("type", optim::optimizer_names()).value_or("adam");
    auto& s = c.optimizer;
    s = optim::default_optimizer_spec(type);
    o->use_keys(optimizer_keys(type));
    const auto& valid = optim::optimizer_options(type);
    auto reads = [&](const std::string& k) {
      return std::find(valid.begin(), valid.end(), k) != valid.end();
    };
    const std::pair<const char*, double*> numbers[] = {
        {"lr", &s.lr},
        {"momentum", &s.momentum},
        {"dampening", &s.dampening},
        {"eps", &s.eps},
        {"weight_decay", &s.weight_decay},
        {"lr_decay", &s.lr_decay},
        {"rho", &s.rho},
        {"alpha", &s.alpha},
        {"initial_accumulator_value", &s.initial_accumulator_value}};
    for (const auto& [key, field] : numbers)
      if (reads(key)) *field = o->number(key).value_or(*field);
    if (reads("nesterov")) s.nesterov = o->boolean("nesterov").value_or(s.nesterov);
    if (reads("centered")) s.centered = o->boolean("centered").value_or(s.centered);
    if (reads("betas"))
      if (auto b = o->numbers("betas")) {
        if (b->size() != 2) o->fail("betas", "must hold two numbers, e.g. [0.9, 0.999]");
        s.beta1 = (*b)[0];
        s.beta2 = (*b)[1];
      }
    o->finish();
  }

  if (auto t = root.section("training", &training_keys())) {
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
      for (const auto& name : *m)
        if (!metric_fits_loss(name, s.loss))
          t->fail("metrics", fmt::format("names '{}', which does not fit loss \"{}\" ({}); "
                                         "metrics for this loss: {}",
                                         name, s.loss,
                                         loss_takes_class_indices(s.loss) ? "classes"
                                         : s.loss == "bce_with_logits"    ? "binary classes"
                                                                          : "a regression",
                                         fmt::join(metrics_for_loss(s.loss), ", ")));
      s.metrics = *m;
    }
    s.shuffle = t->boolean("shuffle").value_or(s.shuffle);
    s.gradient_clip_norm = t->number("gradient_clip_norm").value_or(0);
    s.gradient_clip_value = t->number("gradient_clip_value").value_or(0);
    if (s.gradient_clip_norm < 0) t->fail("gradient_clip_norm", "must be >= 0 (0: off)");
    if (s.gradient_clip_value < 0) t->fail("gradient_clip_value", "must be >= 0 (0: off)");
    if (auto r = t->json("regularization")) {
      try {
        s.regularization = optim::penalty_from_json(*r, t->key_path("regularization"));
      } catch (const std::invalid_argument& e) {
        throw io::ConfigError(fmt::format("{}: {}", doc.file, e.what()));
      }
    }
    if (auto p = t->string("init_from")) s.init_from = resolve(base, *p);
    s.lr_scaling = t->string("lr_scaling").value_or(s.lr_scaling);
    if (s.lr_scaling != "none" && s.lr_scaling != "linear")
      t->fail("lr_scaling", fmt::format("is \"{}\"; choose \"none\" or \"linear\" (the rate times "
                                        "the data-parallel ranks)",
                                        s.lr_scaling));
    s.lr_warmup_epochs = t->number("lr_warmup_epochs").value_or(0);
    if (s.lr_warmup_epochs < 0 || s.lr_warmup_epochs > 1e6)
      t->fail("lr_warmup_epochs", "must be from 0 to 1e6 (0: no warm-up)");
    if (s.lr_warmup_epochs > 0 && s.lr_scaling == "none")
      t->fail("lr_warmup_epochs",
              "warms up to the scaled rate, so it needs lr_scaling = \"linear\"");
    if (s.epochs < 1) t->fail("epochs", "must be at least 1");
    if (s.batch_size < 1) t->fail("batch_size", "must be at least 1");
    t->finish();
  }

  std::string stem = std::filesystem::path(doc.file).stem().string();
  c.output_dir = std::filesystem::path("runs") / (stem.empty() ? "run" : stem);
  if (auto out = root.section("output", &output_keys())) {
    if (auto d = out->string("dir")) c.output_dir = *d;
    c.checkpoint_every_n_steps = out->integer("checkpoint_every_n_steps").value_or(0);
    if (c.checkpoint_every_n_steps < 0)
      out->fail("checkpoint_every_n_steps", "must be >= 0 (0: checkpoint at epoch ends only)");
    c.plots = out->boolean("plots").value_or(true);
    out->finish();
  }
  if (auto d = root.section("distributed", &distributed_keys())) {
    auto& s = c.distributed;
    s.mode = d->choice("mode").value_or(s.mode);
    s.micro_batches = d->integer("micro_batches").value_or(s.micro_batches);
    if (s.micro_batches < 1) d->fail("micro_batches", "must be at least 1");
    if (s.mode == "pipeline" && c.training.batch_size % s.micro_batches != 0)
      d->fail("micro_batches",
              fmt::format(
                  "is {}, which {} training.batch_size = {}: each batch is cut into "
                  "micro_batches equal parts; choose a divisor of the batch size",
                  s.micro_batches,
                  s.micro_batches > c.training.batch_size ? "is larger than" : "does not divide",
                  c.training.batch_size));
    if (auto split = d->numbers("split_before"))
      for (double v : *split) {
        if (v != std::floor(v) || v < 1)
          d->fail("split_before",
                  fmt::format("holds {}: layer indices are whole numbers from 1", v));
        s.split_before.push_back(int64_t(v));
      }
    if (s.mode == "pipeline" && c.training.lr_scaling != "none")
      d->fail("mode",
              "is \"pipeline\", whose ranks share one batch: training.lr_scaling "
              "(the rate times the data-parallel ranks) does not apply; remove it");
    d->finish();
  }
  if (c.training.loss == "cross_entropy" || c.training.loss == "nll") c.data.targets = "classes";
  if (auto cbs = root.json("callbacks")) c.callbacks_json = *cbs;
  parse_lr_schedule(root, c);
  c.callbacks = parse_callbacks(doc, logged_names(c));
  root.finish();
  return c;
}

nlohmann::json to_json(const RunConfig& c) {
  nlohmann::json j;
  j["seed"] = c.seed;
  j["data"] = {{"source", c.data.source},
               {"x", c.data.x.string()},
               {"y", c.data.y.string()},
               {"groups", c.data.groups.string()},
               {"targets", c.data.targets},
               {"validation_split", c.data.validation_split},
               {"split", c.data.split},
               {"trajectories", c.data.trajectories},
               {"points", c.data.points},
               {"images", c.data.images.string()},
               {"labels", c.data.labels.string()},

               {"augment", c.data.augment}};
  // Only when set, so runs from before x_columns existed still resume with their config.json.
  if (!c.data.x_columns.empty()) j["data"]["x_columns"] = c.data.x_columns;
  if (!c.data.table.empty()) {  // x is the table too: the config says path
    j["data"].erase("x");
    j["data"]["path"] = c.data.table.string();
    j["data"]["target"] = c.data.target;
  }
  if (c.data.header) j["data"]["header"] = *c.data.header;
  if (c.data.window > 0) j["data"]["window"] = c.data.window;
  if (c.data.window_target != "next") j["data"]["window_target"] = c.data.window_target;
  if (!c.data.group_column.empty()) j["data"]["group_column"] = c.data.group_column;
  if (c.data.split_seed) j["data"]["split_seed"] = *c.data.split_seed;
  if (c.data.source == "tu") {
    j["data"]["path"] = c.data.graph_dir.string();
    j["data"]["name"] = c.data.graph_name;
    j["data"]["node_attributes"] = c.data.node_attributes;
  }
  for (const auto& [name, columns] : c.data.inputs) j["data"]["inputs"][name] = columns;
  if (!c.data.validation.empty())
    j["data"]["validation"] =
        c.data.validation == "table" ? c.data.validation_table.string() : c.data.validation;
  j["model"] = c.model;
  j["optimizer"] = optim::to_json(c.optimizer);
  j["lr_schedule"] = c.lr_schedule;
  const auto& t = c.training;
  j["training"] = {{"epochs", t.epochs},
                   {"batch_size", t.batch_size},
                   {"loss", t.loss},
                   {"metrics", t.metrics},
                   {"shuffle", t.shuffle}};
  j["training"]["gradient_clip_norm"] = t.gradient_clip_norm;
  j["training"]["gradient_clip_value"] = t.gradient_clip_value;
  j["training"]["regularization"] = {{"l1", t.regularization.l1}, {"l2", t.regularization.l2}};
  if (!t.init_from.empty()) j["training"]["init_from"] = t.init_from.string();
  // Only when set, so that runs from before these keys still resume.
  if (t.lr_scaling != "none") j["training"]["lr_scaling"] = t.lr_scaling;
  if (t.lr_warmup_epochs > 0) j["training"]["lr_warmup_epochs"] = t.lr_warmup_epochs;
  if (c.distributed.mode != "data")  // only when set, so that older runs still resume
    j["distributed"] = {{"mode", c.distributed.mode},
                        {"micro_batches", c.distributed.micro_batches},
                        {"split_before", c.distributed.split_before}};
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
  if (c.data.has_validation())
    for (const auto& n : train) names.push_back("val_" + n);
  return names;
}

}  // namespace scidl::train
