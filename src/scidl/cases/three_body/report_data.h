// What the three-body report reads: the dataset's runs.csv (statistics of the data and of the
// integrator's cost), the run folder's history.csv (MAE per epoch), validation_split.json (the
// training/validation split by run `scidl train` made; config.json for older run folders), and
// run_id.csv.
// Contract: every reader names the file it could not use and what to run to make it; times are
// per run, taken from cpu_seconds (the worker thread's CPU time) when recorded, else wall time.
#pragma once
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace scidl::sci {

struct RunsStatistics {
  std::int64_t runs = 0, converged = 0;
  std::map<int, std::int64_t> runs_by_bits;  // converged runs by the precision kept (53 = double)
  double energy_error_median = 0, energy_error_max = 0;  // converged runs
  std::string time_source;                               // "cpu_seconds" or "wall_seconds"
  double seconds_median = 0, seconds_p99 = 0, seconds_max = 0, seconds_total = 0;  // converged
};

RunsStatistics read_runs_statistics(const std::filesystem::path& runs_csv);

struct TrainingCurves {
  std::vector<double> epoch, mae, val_mae;  // epoch is 1-based; val_mae empty without validation
  std::string metric = "mae";               // the column used ("mae", or "loss" when absent)
};

TrainingCurves read_training_curves(const std::filesystem::path& history_csv);

struct RunSplit {
  std::vector<std::int64_t> train, validation;  // run ids, ascending
  int rows_per_run = 0;                         // rows of each run in the train_* tables
  double validation_fraction = 0;
  std::uint64_t seed = 0;
  bool recorded = false;  // read from the run's validation_split.json, not recomputed
};

// run_id.csv of a dataset: the run id of every row of the train_* tables (converged runs, in
// run order). Throws naming the file and the command that makes it when missing or empty.
std::vector<std::int64_t> read_run_id_column(const std::filesystem::path& dataset_dir);
// Rows each run has in such a column (every run has as many as the first).
int rows_per_run(const std::vector<std::int64_t>& run_id_column);

// The split `scidl train` used for the run in run_dir, applied to dataset_dir/run_id.csv: the
// validation runs its validation_split.json records, or, for a run folder written before runs
// recorded them, the same split again from its config.json (seed, data.validation_split,
// data.split = "group"). With no validation, every run is a training run. Refuses a split by
// row, and recorded validation runs that dataset_dir does not have.
RunSplit read_run_split(const std::filesystem::path& dataset_dir,
                        const std::filesystem::path& run_dir);

// The q-quantile (0..1) of values by linear interpolation; NaN when empty.
double quantile(std::vector<double> values, double q);

}  // namespace scidl::sci
