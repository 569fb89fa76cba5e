// The Breen et al. three-body dataset: generate converged runs in parallel, resumably, then
// assemble them into the training tables.
//
// Layout of DIR:
//   generation.txt      the settings that fix the data (seed, dt, t-max, ladder); a rerun with
//                       other settings is refused rather than silently mixing datasets
//   runs/run_XXXXX.csv  one finished run each (run_file.h), written atomically
//   train_X.csv         t, x2_0, y2_0          (x2_0, y2_0 = initial position of particle 2)
//   train_Y.csv         x1, y1, x2, y2         (positions of particles 1 and 2 at time t)
//   train_V.csv         vx1, vy1, vx2, vy2, vx3, vy3   (velocities at time t)
//   run_id.csv          run_id of each row (split by run, not by row, to avoid leakage)
//   runs.csv            one line per run: run_id, x2, y2, converged, tolerance, bits (of the
//                       stored solution: 53 double, 106 double-double, otherwise MPFR),
//                       relative_energy_error, angular_momentum_drift, phase_space_distance,
//                       attempts, wall_seconds, cpu_seconds (the worker thread's CPU time:
//                       robust to a busy machine; -1 if not recorded)
// Rows are t = k·dt, k = 0..K-1 with K = OutputGrid::covering(t_max, dt).rows (1000 for
// t-max 3.9 and dt 2⁻⁸; particle 3 is -x1 - x2 and is not repeated). Every CSV has a header.
//
// Contract: run k's initial condition depends only on (seed, k), so the data are the same for any
// thread count or interruption pattern. Finished runs are reused unless this call's settings
// would not have accepted them (accepted above --accept-distance; not converged where a higher
// --max-bits or a looser --accept-distance may now succeed); a corrupted run file is reported by
// name and recomputed. Runs that do not converge are kept in runs/ and runs.csv but
// left out of the train_* tables unless include_unconverged is set.
#pragma once
#include <atomic>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string>

#include "scidl/sci/convergence.h"

namespace scidl::sci {

struct GenerateSettings {
  std::filesystem::path out_dir;
  std::int64_t runs = 0;
  std::uint64_t seed = 1;
  double t_max = 3.9;
  double dt = 1.0 / 256.0;
  int threads = 2;
  ConvergenceSettings convergence;
  bool show_progress = true;
  std::FILE* log = stdout;  // progress and messages
  // Set (e.g. from a SIGINT handler) to stop after the runs in progress; finished runs stay.
  const std::atomic<bool>* stop_requested = nullptr;
};

struct GenerateSummary {
  std::int64_t runs = 0;
  std::int64_t computed = 0;          // integrated in this call
  std::int64_t reused = 0;            // already on disk and intact
  std::int64_t corrupt_replaced = 0;  // on disk but damaged, recomputed
  std::int64_t not_converged = 0;     // among all runs on disk now
  bool interrupted = false;
  double wall_seconds = 0;
  double compute_seconds = 0;  // sum of per-run wall times of runs computed now
};

GenerateSummary generate_three_body_runs(const GenerateSettings& settings);

struct AssembleSettings {
  std::filesystem::path out_dir;
  double t_max = 0;  // 0: the generated window; must not exceed it
  bool include_unconverged = false;
  std::FILE* log = stdout;
};

struct AssembleSummary {
  std::int64_t runs = 0, runs_written = 0, not_converged = 0, rows_written = 0;
  int rows_per_run = 0;
};

AssembleSummary assemble_three_body_dataset(const AssembleSettings& settings);

}  // namespace scidl::sci
