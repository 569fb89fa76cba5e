#include "scidl/automl/predictor.h"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

#include "scidl/automl/ensemble_selection.h"
#include "scidl/data/csv.h"
#include "scidl/io/file_io.h"
#include "scidl/ops/ops.h"

namespace scidl::automl {
namespace {

constexpr const char* kFormat = "scidl-automl";
constexpr int kVersion = 1;

Predictions average(std::vector<Predictions> parts) {
  Predictions out = std::move(parts[0]);
  for (size_t i = 1; i < parts.size(); ++i)
    for (size_t c = 0; c < out.values.size(); ++c) out.values[c] += parts[i].values[c];
  for (double& v : out.values) v /= static_cast<double>(parts.size());
  return out;
}

}  // namespace

Predictions FittedModel::predict(const Tensor& x) const {
  std::vector<Predictions> parts;
  for (const auto& fold : folds) parts.push_back(fold->predict(x));
  return average(std::move(parts));
}

Predictions FittedModel::predict_out_of_fold(const Tensor& x,
                                             const std::vector<int>& fold_of_row) const {
  if (folds.size() == 1) return folds[0]->predict(x);
  Predictions out;
  for (size_t f = 0; f < folds.size(); ++f) {
    std::vector<int64_t> rows;
    for (size_t r = 0; r < fold_of_row.size(); ++r)
      if (fold_of_row[r] == static_cast<int>(f)) rows.push_back(static_cast<int64_t>(r));
    if (rows.empty()) continue;
    const Predictions part = folds[f]->predict(
        index_select(x, 0, from_vector(rows, {static_cast<int64_t>(rows.size())})));
    if (out.values.empty()) {
      out.rows = x.shape()[0];
      out.cols = part.cols;
      out.values.assign(static_cast<size_t>(out.rows * out.cols), 0.0);
    }
    for (size_t i = 0; i < rows.size(); ++i)
      for (int64_t c = 0; c < part.cols; ++c)
        out.values[static_cast<size_t>(rows[i] * out.cols + c)] =
            part.at(static_cast<int64_t>(i), c);
  }
  return out;
}

std::vector<std::string> Predictor::model_names() const {
  std::vector<std::string> names;
  for (const auto& m : models) names.push_back(m.preset.name);
  if (!ensemble_weights.empty()) names.push_back(kEnsembleName);
  return names;
}

Predictions Predictor::predict_encoded(const Tensor& x, const std::string& name,
                                       const std::vector<int>* fold_of_row) const {
  auto one = [&](const FittedModel& m) {
    return fold_of_row ? m.predict_out_of_fold(x, *fold_of_row) : m.predict(x);
  };
  for (const auto& m : models)
    if (m.preset.name == name) return one(m);
  if (name != kEnsembleName || ensemble_weights.empty())
    throw std::invalid_argument(fmt::format("the predictor has no model '{}'", name));
  std::vector<Predictions> parts;
  for (size_t j = 0; j < models.size(); ++j)
    parts.push_back(ensemble_weights[j] > 0 ? one(models[j]) : Predictions{});
  // Members with no weight were not predicted: give them zeros of the right shape.
  const auto shaped = std::find_if(parts.begin(), parts.end(),
                                   [](const Predictions& p) { return !p.values.empty(); });
  for (auto& p : parts)
    if (p.values.empty()) {
      p = *shaped;
      std::fill(p.values.begin(), p.values.end(), 0.0);
    }
  return blend(parts, ensemble_weights);
}

Predictions Predictor::predict(const RawTable& table, int64_t* bad_cells) const {
  return predict_encoded(encoder.encode(table, bad_cells), best);
}

void Predictor::save(const std::filesystem::path& dir) const {
  nlohmann::json j;
  j["format"] = kFormat;
  j["version"] = kVersion;
  j["task"] = task_name(task);
  j["target"] = target;
  j["metric"] = metric;
  j["classes"] = classes;
  j["columns"] = nlohmann::json::array();
  for (const auto& c : columns) j["columns"].push_back(to_json(c));
  j["encoder"] = encoder.to_json();
  j["models"] = nlohmann::json::array();
  for (const auto& m : models)
    j["models"].push_back({{"name", m.preset.name},
                           {"family", m.preset.family},
                           {"params", m.preset.params},
                           {"files", m.files}});
  if (!ensemble_weights.empty())
    j["ensemble"] = {{"name", kEnsembleName}, {"weights", ensemble_weights}};
  j["best"] = best;
  io::write_file_atomically(dir / "predictor.json", j.dump(2) + "\n");
}

bool is_predictor_dir(const std::filesystem::path& path) {
  std::error_code ec;
  return std::filesystem::is_directory(path, ec) &&
         std::filesystem::exists(path / "predictor.json", ec);
}

Predictor parse_predictor_json(const nlohmann::json& j, const std::string& file) {
  auto bad = [&](const std::string& what) {
    return std::runtime_error(fmt::format("{}: {}", file, what));
  };
  try {
    if (j.value("format", std::string{}) != kFormat)
      throw bad("not a scidl automl predictor (its \"format\" is not \"scidl-automl\")");
    if (j.value("version", 0) != kVersion)
      throw bad(fmt::format("predictor version {} is not read by this scidl (it reads {})",
                            j.value("version", 0), kVersion));
    Predictor p;
    const std::string task = j.at("task").get<std::string>();
    if (task != "regression" && task != "classification")
      throw bad(fmt::format("unknown task '{}'", task));
    p.task = task == "regression" ? Task::Regression : Task::Classification;
    p.target = j.at("target").get<std::string>();
    p.metric = j.at("metric").get<std::string>();
    check_metric(p.metric, p.task);
    p.classes = j.at("classes").get<std::vector<std::string>>();
    if (p.task == Task::Classification && p.classes.size() < 2)
      throw bad("a classifier needs at least two classes");
    for (const auto& c : j.at("columns")) p.columns.push_back(column_info_from_json(c));
    p.encoder = FeatureEncoder::from_json(j.at("encoder"));
    for (const auto& m : j.at("models")) {
      FittedModel fitted;
      fitted.preset = {m.at("name").get<std::string>(), m.at("family").get<std::string>(),
                       m.at("params")};
      if (!fitted.preset.params.is_object()) throw bad("a model's params must be an object");
      fitted.files = m.at("files").get<std::vector<std::string>>();
      for (const auto& f : fitted.files)
        if (f.empty() || f.find("..") != std::string::npos || f.front() == '/')
          throw bad(fmt::format("model file '{}' is not a path inside the predictor's folder", f));
      if (fitted.files.empty())
        throw bad(fmt::format("model '{}' has no file", fitted.preset.name));
      p.models.push_back(std::move(fitted));
    }
    if (p.models.empty()) throw bad("the predictor has no model");
    if (j.contains("ensemble")) {
      p.ensemble_weights = j.at("ensemble").at("weights").get<std::vector<double>>();
      if (p.ensemble_weights.size() != p.models.size())
        throw bad(fmt::format("the ensemble has {} weights for {} models",
                              p.ensemble_weights.size(), p.models.size()));
    }
    p.best = j.at("best").get<std::string>();
    const auto names = p.model_names();
    if (std::find(names.begin(), names.end(), p.best) == names.end())
      throw bad(fmt::format("the best model '{}' is not one of its models", p.best));
    return p;
  } catch (const nlohmann::json::exception& e) {
    throw bad(fmt::format("malformed predictor description: {}", e.what()));
  } catch (const std::invalid_argument& e) {
    throw bad(e.what());
  }
}

Predictor load_predictor(const std::filesystem::path& dir) {
  const auto file = dir / "predictor.json";
  const auto bytes = io::read_file_bytes(file);
  const auto j = nlohmann::json::parse(bytes.begin(), bytes.end(), nullptr, false);
  if (j.is_discarded()) throw std::runtime_error(fmt::format("{}: not valid JSON", file.string()));
  Predictor p = parse_predictor_json(j, file.string());
  const int64_t classes = static_cast<int64_t>(p.classes.size());
  for (auto& m : p.models)
    for (const auto& f : m.files)
      m.folds.push_back(load_tabular_model(m.preset, p.task, classes, dir / f));
  return p;
}

void write_predictions(const std::filesystem::path& path, const Predictor& predictor,
                       const Predictions& p) {
  data::CsvTable t;
  t.rows = p.rows;
  if (predictor.task == Task::Regression) {
    t.column_names = {predictor.target};
    t.cols = 1;
    t.values = p.values;
  } else {
    for (const auto& c : predictor.classes) t.column_names.push_back("p_" + c);
    t.cols = p.cols;
    t.values = p.values;
    t.text_names = {predictor.target};
    t.text.resize(1);
    for (int64_t r = 0; r < p.rows; ++r)
      t.text[0].push_back(predictor.classes[static_cast<size_t>(p.best_class(r))]);
  }
  data::write_csv(path, t);
}

}  // namespace scidl::automl
