// The reports written after the models are fitted (automl/automl.h lists the files): metrics and
// predictions on the test data, permutation feature importance, and the plots of predicted
// against true values.
#pragma once
#include <filesystem>
#include <string>
#include <vector>

#include "scidl/automl/predictor.h"
#include "scidl/automl/raw_table.h"

namespace scidl::automl {

// Rows to judge a predictor on: a table (test data, or the training table's validation rows)
// with its targets, and for validation rows the fold whose model did not see each row.
struct JudgedRows {
  RawTable table;
  std::vector<double> y;
  std::vector<int> fold_of_row;  // empty: predict with the whole model
  std::string what;              // "test data", "validation rows", "out-of-fold rows"
};

struct FeatureImportance {
  std::string column;
  double importance = 0, stddev = 0;  // drop in score when the column is shuffled
  int shuffles = 0;
};

// AutoGluon's permutation importance: for each input column, the best model's score on `rows`
// minus its score with that column's values shuffled, averaged over `shuffles` seeded shuffles.
// At most `max_rows` rows are used (a seeded sample). With `seconds` (> 0), fewer shuffles (at
// least one) when the unshuffled rows' prediction time says `shuffles` would not fit in it, as
// AutoGluon's feature_importance(time_limit=...) does: each column's `shuffles` says how many.
std::vector<FeatureImportance> permutation_importance(const Predictor& predictor,
                                                      const JudgedRows& rows, int shuffles,
                                                      uint64_t seed, int64_t max_rows = 5000,
                                                      double seconds = 0);
void write_feature_importance(const std::filesystem::path& dir,
                              const std::vector<FeatureImportance>& importance,
                              const std::string& metric, const std::string& what);

// Regression: plots/predicted_vs_true and plots/residuals; classification: the confusion matrix
// and per-class report under plots/.
void write_prediction_plots(const std::filesystem::path& dir, const Predictor& predictor,
                            const Predictions& p, const std::vector<double>& y,
                            const std::string& what);

// test_predictions.csv: the truth beside the best model's predictions.
void write_test_predictions(const std::filesystem::path& path, const Predictor& predictor,
                            const Predictions& p, const std::vector<double>& y);

}  // namespace scidl::automl
