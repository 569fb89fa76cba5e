// One model of the AutoML zoo, whatever its family: fitted on encoded rows (float32 [N, F],
// automl/feature_encoder.h) with a validation set for early stopping, stopped at a deadline
// with what it has learned so far, and saved to and loaded from one file in the predictor's
// folder. Families: "neural_net" (a scidl network; the linear baseline is one without hidden
// layers), "xgboost" (gradient-boosted trees, or a random forest, through XGBoost's C API),
// "extra_trees" (extremely randomised trees) and "oblivious_boost" (CatBoost's boosted trees).
#pragma once
#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "scidl/automl/eval_metric.h"
#include "scidl/tensor/tensor.h"

namespace scidl::automl {

using Clock = std::chrono::steady_clock;

struct TabularData {
  Tensor x;               // float32 [N, F]
  std::vector<double> y;  // the value, or the class index
  int64_t rows() const { return static_cast<int64_t>(y.size()); }
};

struct FitContext {
  Task task = Task::Regression;
  int64_t classes = 0;  // classification
  uint64_t seed = 0;
  Clock::time_point deadline = Clock::time_point::max();  // stop with what is learned by then
  const std::atomic<bool>* stop = nullptr;  // set (Ctrl-C): stop the same way, at once

  bool should_stop() const { return Clock::now() >= deadline || (stop != nullptr && stop->load()); }
};

class TabularModel {
 public:
  virtual ~TabularModel() = default;
  // With no validation rows, a family that stops early runs to the length its options fix.
  virtual void fit(const TabularData& train, const TabularData& validation,
                   const FitContext& context) = 0;
  virtual Predictions predict(const Tensor& x) const = 0;
  // Writes the model as `stem` plus the family's extension; returns the file's name.
  virtual std::string save(const std::filesystem::path& stem) const = 0;
  // How the fit went, for the log ("412 trees (best at 262)", "stopped at the time limit").
  virtual std::string fit_note() const { return ""; }
  // The options that fit this model again on every row, with no rows to stop on (AutoGluon's
  // refit_full): the length this fit reached (trees, epochs, rounds) fixed.
  virtual nlohmann::json refit_params() const = 0;
};

// A model the zoo offers: its leaderboard name, family and options.
struct ModelPreset {
  std::string name, family;
  nlohmann::json params = nlohmann::json::object();
};

// "medium" or "best": the same zoo; the preset decides bagging (automl/folds.h).
std::vector<ModelPreset> model_zoo(Task task);

// Round `round` (from 1) of the zoo's small random search: one variant of XGBoost and one of the
// MLP, drawn from `seed` (named XGBoost_rN, NeuralNetScidl_rN).
std::vector<ModelPreset> search_variants(Task task, int round, uint64_t seed);

std::unique_ptr<TabularModel> make_model(const ModelPreset& preset, Task task, int64_t classes);
std::unique_ptr<TabularModel> load_tabular_model(const ModelPreset& preset, Task task,
                                                 int64_t classes,
                                                 const std::filesystem::path& file);

}  // namespace scidl::automl
