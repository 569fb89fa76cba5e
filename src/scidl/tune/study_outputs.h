// What a finished study leaves for people to look at, all made from its record (study.db):
//   leaderboard.csv / .md   rank, trial, each searched key, the metric (its last value, as Ray
//                           Tune ranks), best value, epochs run, how it ended, seconds; failed
//                           trials last with their error
//   best_model.scidl, best_config.toml   the best trial's last model and run config
//   curves.svg / .png       every trial's metric per epoch; a stopped trial's line ends in ×
//   tensorboard/            the HParams view: one run per trial with its values and metric
#pragma once
#include <string>
#include <vector>

#include "scidl/tune/study.h"

namespace scidl::tune {

struct LeaderboardRow {
  int rank = 0;  // 0 for a trial without a value (failed, or no epoch)
  TrialRow trial;
  double last = 0, best = 0;  // the metric at the last epoch, and its best over epochs
  std::vector<double> curve;  // the metric per epoch
};

std::vector<LeaderboardRow> leaderboard(const TuneConfig& config, const StudyDb& db);
// How a trial ended, as the leaderboard's "ended" column says it ("stopped: asha rung 4").
std::string trial_ending(const TrialRow& trial);
std::string leaderboard_markdown(const TuneConfig& config, const std::vector<LeaderboardRow>& rows);
void write_study_outputs(const TuneConfig& config, const StudyResult& result);

}  // namespace scidl::tune
