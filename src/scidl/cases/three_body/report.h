// `scidl three-body report`: everything the Breen et al. reproduction shows, from a dataset
// folder (scidl three-body generate) and a trained model (scidl train): data statistics, the
// MAE curve (Fig. 3), four trajectories network against integrator (Fig. 4), the sensitivity
// ring (Fig. 5), energy errors of the raw network (autograd velocities) and of its energy
// projection, the integrator's time per run and the surrogate's time per evaluation, and the
// speed-up. Writes OUT/report.md and, per figure, OUT/NAME.svg, .png and .csv.
// Contract: reads only; a missing or foreign file is named with the command that makes it.
// The split by run is the one the run folder records (validation_split.json; rebuilt from its
// config.json for older folders), so "validation" runs are the ones training never saw.
#pragma once
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

namespace scidl::sci {

struct ReportSettings {
  std::filesystem::path dataset_dir;  // train_X.csv, run_id.csv, runs.csv, runs/
  std::filesystem::path model_path;   // RUN_DIR/best.scidl
  std::filesystem::path run_dir;      // history.csv, config.json (default: the model's folder)
  std::filesystem::path out_dir;      // default: dataset_dir/report
  // Optional: a second dataset (generated with another seed), every run of which is new to the
  // model: its per-run MAEs measure the error on fresh initial conditions with more runs than
  // the 1% validation split holds. It must cover the same window on the same grid (refused,
  // naming both, before any work otherwise).
  std::filesystem::path held_out_dir;
  int ring_points = 1000;
  double ring_tolerance = 1e-13;
  int threads = 2;
  int energy_runs = 20;  // validation runs (at most) whose energy errors are summarised
  bool project_energy = true;
  std::FILE* log = stdout;
};

// Runs whose closest approach (the least distance between two bodies at the output times, by
// the integrator) lies in [from, to): how many, their mean position MAE and the share of the
// summed per-run MAEs they carry. Close encounters are where neighbouring initial conditions
// part ways, so this is where a network trained on a finite sample of them errs most.
struct ApproachBand {
  double from = 0, to = 0;
  std::size_t runs = 0;
  double mae = 0, share = 0;
};

struct ReportSummary {
  std::filesystem::path report;  // OUT/report.md
  std::vector<std::filesystem::path> files;
  int epochs = 0;
  double final_val_mae = 0, best_val_mae = 0;
  // This model on every validation run: the mean of the per-run position MAEs (the validation
  // MAE of this model), their median, and the share of the sum the worst 5% of runs carry
  // (chaotic runs with close encounters dominate the mean).
  double val_mae_all_runs = 0, val_mae_run_median = 0, val_mae_worst_share = 0;
  std::vector<ApproachBand> val_mae_by_approach;  // bands holding at least one run
  // The same on every run of held_out_dir (zeros without one).
  std::size_t held_out_runs = 0;
  double held_out_mae = 0, held_out_run_median = 0, held_out_worst_share = 0;
  std::vector<ApproachBand> held_out_mae_by_approach;
  double energy_error_network_median = 0, energy_error_projected_median = 0;
  double speedup_per_point_batched = 0, speedup_single_point = 0;
  // One state at time t asked for from its initial condition: the mean converged run (what
  // the dataset cost per run, the statistic of Brutus' 86 s) against one batched evaluation.
  double speedup_per_query = 0;
};

ReportSummary write_three_body_report(const ReportSettings& settings);

}  // namespace scidl::sci
