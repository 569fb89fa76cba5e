// scidl automl: AutoGluon's tabular workflow on this machine. Reads a table, types its columns
// (automl/column_types.h), fits the zoo (automl/tabular_model.h) on a holdout split (medium) or
// with k-fold bagging (best; automl/folds.h), ensembles the models greedily
// (automl/ensemble_selection.h), ranks them (automl/leaderboard.h) and saves a predictor
// (automl/predictor.h) with its reports:
//   columns.md            each column's type, missing values and why dropped
//   leaderboard.csv|md    every model and the ensemble
//   failures.csv          models that failed or were skipped, and why (when any did)
//   predictor.json, models/NAME/*   what `scidl predict --model DIR` reads
//   test_metrics.csv      with test data: every metric of the task for each model
//   test_predictions.csv  with test data: the best model's predictions beside the truth
//   feature_importance.csv|svg|png  permutation importance of each input column
//   plots/predicted_vs_true.svg|png, plots/residuals.svg|png (regression), or the confusion
//                         matrix (classification), on the test data or else the validation rows
// A model that throws is recorded and skipped; the time limit bounds fitting (each model gets
// an equal share of what is left, and stops at its share with what it has learned); with
// bagging, time left after the zoo goes to a small random search (tabular_model.h), then to
// further bag sets of each model (repeated k-fold bagging, as AutoGluon's num_bag_sets); on a
// holdout, once the ensemble is weighed each model is fitted again on every row
// (automl/refit_full.h, AutoGluon's refit_full).
#pragma once
#include <atomic>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "scidl/automl/eval_metric.h"
#include "scidl/automl/leaderboard.h"

namespace scidl::automl {

struct AutomlOptions {
  std::filesystem::path data{}, test{};  // test: optional table of the same columns
  std::string target{};
  std::optional<Task> task{};  // inferred from the target when unset
  std::string metric{};        // empty: rmse or accuracy
  double time_limit = 0;       // seconds; 0: no limit
  std::string preset = "medium";
  // Most bag sets per model with bagging (AutoGluon's num_bag_sets): 0 means 20 with a time
  // limit (further sets while time is left) and 1 without; N > 1 without a limit fits N each.
  int bag_sets = 0;
  std::filesystem::path out{};
  double train_fraction = 1.0;  // < 1: a seeded random share trains, the rest is the test data
  uint64_t seed = 0;
  std::vector<std::string> exclude{};  // columns that are not inputs
  std::vector<std::string> models{};   // the zoo's models to fit; empty: all
  // A holdout fit (medium) fits each model again on every row once the holdout has judged it
  // (AutoGluon's refit_full; automl/refit_full.h).
  bool refit_full = true;
  bool overwrite = false;
  bool verbose = true;
  // Set (Ctrl-C): the model in progress stops with what it has learned, the rest are skipped,
  // and the predictor is made of what was fitted.
  const std::atomic<bool>* stop_requested = nullptr;
};

struct ModelFailure {
  std::string model, error;
};

struct AutomlResult {
  Task task = Task::Regression;
  std::string metric;
  std::vector<LeaderboardRow> leaderboard;
  std::vector<ModelFailure> failures;
  double fit_seconds = 0;  // reading the table to the saved predictor
  int64_t train_rows = 0, test_rows = 0, dropped_rows = 0;
  std::string best;
  bool interrupted = false;  // stop_requested was set: some models stopped early or were skipped
};

AutomlResult run_automl(const AutomlOptions& options);

}  // namespace scidl::automl
