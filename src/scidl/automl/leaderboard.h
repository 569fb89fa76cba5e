// The leaderboard AutoGluon prints, column for column: model, score_test (with test data),
// score_val, eval_metric, pred_time_test, pred_time_val, fit_time, pred_time_test_marginal,
// pred_time_val_marginal, fit_time_marginal, stack_level, can_infer, fit_order. Scores are
// higher-is-better (errors negated); times in seconds; the ensemble's fit and prediction times
// include its members' (the _marginal columns are its own). Sorted by score_val, highest first,
// then pred_time_val, lowest first, then model name, last first.
#pragma once
#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

namespace scidl::automl {

struct LeaderboardRow {
  std::string model;
  double score_test = NAN, score_val = NAN;
  std::string eval_metric;
  double pred_time_test = NAN, pred_time_val = 0, fit_time = 0;
  double pred_time_test_marginal = NAN, pred_time_val_marginal = 0, fit_time_marginal = 0;
  int stack_level = 1;
  bool can_infer = true;
  int fit_order = 0;
};

void sort_leaderboard(std::vector<LeaderboardRow>& rows);
std::string leaderboard_markdown(const std::vector<LeaderboardRow>& rows, bool with_test);
// Writes DIR/leaderboard.csv and DIR/leaderboard.md.
void write_leaderboard(const std::filesystem::path& dir, const std::vector<LeaderboardRow>& rows,
                       bool with_test);

}  // namespace scidl::automl
