// AutoGluon's refit_full for a holdout fit (medium): once the holdout rows have scored and
// weighed the models, each is fitted again on every training row, its length (trees, rounds,
// epochs) fixed at what the holdout chose (TabularModel::refit_params), and predicts in place of
// its holdout fit. The ensemble keeps its weights. Bike rentals: a fifth more rows took
// CatBoost's test RMSE from 643 to 624 (bench/RESULTS.md).
#pragma once
#include <atomic>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "scidl/automl/predictor.h"
#include "scidl/automl/tabular_model.h"

namespace scidl::automl {

struct RefitPlan {
  std::filesystem::path work;  // the predictor's folder
  // Parallel to predictor.models; the ensemble's members are refitted first, then the rest by
  // their holdout score.
  std::vector<double> ensemble_weights, score_val;
  // Seconds each model's holdout fit took; a refit starts only where this (scaled by the rows
  // it gains) fits in what is left before `deadline`, and one that reaches it is dropped.
  std::vector<double> fit_seconds;
  double row_ratio = 1;  // every row against the holdout fit's training rows
  Clock::time_point deadline = Clock::time_point::max();
  uint64_t seed = 0;
  const std::atomic<bool>* stop = nullptr;
};

struct RefitOutcome {
  // Parallel to predictor.models: the holdout fit a refit replaced (null where none did), for
  // reports that judge the holdout rows.
  std::vector<std::unique_ptr<TabularModel>> holdout_fits;
  std::vector<double> seconds;              // parallel to predictor.models: each refit's fit time
  std::vector<std::string> refitted, kept;  // names; kept: why each was not refitted
};

// Refits the planned models of a predictor whose models each hold one (holdout) fit, writing
// each refit as models/NAME/full.EXT in place of its holdout fit's file. A refit that fails or
// runs out of time leaves the model as it was.
RefitOutcome refit_full(Predictor& predictor, const TabularData& every_row, const RefitPlan& plan);

// Puts the holdout fits back in the predictor, or the refits back again (each call swaps).
void swap_refits(Predictor& predictor, RefitOutcome& outcome);

}  // namespace scidl::automl
