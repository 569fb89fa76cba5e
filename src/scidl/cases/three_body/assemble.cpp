// Assembles DIR/runs/run_XXXXX.csv, in run order, into the training tables of dataset.h.
#include <fmt/core.h>

#include <stdexcept>
#include <vector>

#include "scidl/cases/three_body/dataset.h"
#include "scidl/cases/three_body/manifest.h"
#include "scidl/cases/three_body/run_file.h"
#include "scidl/io/file_io.h"

namespace scidl::sci {
namespace {

namespace fs = std::filesystem;

void check_all_runs_present(const fs::path& dir, std::int64_t runs) {
  std::int64_t missing = 0;
  std::int64_t first_missing = -1;
  for (std::int64_t k = 0; k < runs; ++k) {
    if (!fs::exists(run_file_path(dir, k))) {
      if (first_missing < 0) first_missing = k;
      ++missing;
    }
  }
  if (missing > 0) {
    throw std::runtime_error(fmt::format(
        "{} of {} runs are missing (first: {}); the generation was interrupted. Run `scidl "
        "three-body generate` again with the same --out, --runs and --seed to finish them",
        missing, runs, run_file_path(dir, first_missing).string()));
  }
}

}  // namespace

AssembleSummary assemble_three_body_dataset(const AssembleSettings& settings) {
  const auto manifest = read_manifest(settings.out_dir);
  if (!manifest) {
    throw std::runtime_error(fmt::format(
        "{} has no generation.txt: it is not a three-body dataset directory; run `scidl "
        "three-body generate --out {}` first",
        settings.out_dir.string(), settings.out_dir.string()));
  }
  const double t_max = settings.t_max > 0 ? settings.t_max : manifest->t_max;
  const OutputGrid grid = OutputGrid::covering(t_max, manifest->dt);
  if (grid.rows > manifest->rows) {
    throw std::invalid_argument(fmt::format(
        "--t-max {} is beyond the generated window: {} holds t <= {} ({} rows per run). Assemble "
        "with --t-max {} or less, or generate a new dataset with --t-max {}",
        t_max, settings.out_dir.string(), (manifest->rows - 1) * manifest->dt, manifest->rows,
        manifest->t_max, t_max));
  }
  check_all_runs_present(settings.out_dir, manifest->runs);

  const fs::path& dir = settings.out_dir;
  io::AtomicFileWriter x_file(dir / "train_X.csv"), y_file(dir / "train_Y.csv"),
      v_file(dir / "train_V.csv"), id_file(dir / "run_id.csv"), runs_file(dir / "runs.csv");
  fmt::print(x_file.stream(), "t,x2_0,y2_0\n");
  fmt::print(y_file.stream(), "x1,y1,x2,y2\n");
  fmt::print(v_file.stream(), "vx1,vy1,vx2,vy2,vx3,vy3\n");
  fmt::print(id_file.stream(), "run_id\n");
  fmt::print(runs_file.stream(),
             "run_id,x2,y2,converged,tolerance,bits,relative_energy_error,"
             "angular_momentum_drift,phase_space_distance,attempts,wall_seconds,cpu_seconds\n");

  AssembleSummary summary;
  summary.runs = manifest->runs;
  summary.rows_per_run = grid.rows;
  for (std::int64_t k = 0; k < manifest->runs; ++k) {
    ThreeBodyRun run;
    try {
      run = read_run_file(run_file_path(dir, k));
    } catch (const RunFileCorrupt& e) {
      throw std::runtime_error(fmt::format(
          "{}. Run `scidl three-body generate` again with the same options: it recomputes "
          "damaged runs",
          e.what()));
    }
    fmt::print(runs_file.stream(),
               "{},{:.17g},{:.17g},{},{:.17g},{},{:.17g},{:.17g},{:.17g},{},{:.6f},{:.6f}\n",
               run.run_id, run.x2, run.y2, run.converged ? 1 : 0, run.precision.tolerance,
               run.precision.bits, run.relative_energy_error, run.angular_momentum_drift,
               run.phase_space_distance, run.attempts, run.wall_seconds, run.cpu_seconds);
    if (!run.converged) ++summary.not_converged;
    if (!run.converged && !settings.include_unconverged) continue;
    for (int r = 0; r < grid.rows; ++r) {
      const double* s = run.states.data() + static_cast<std::size_t>(r) * 12;
      fmt::print(x_file.stream(), "{:.17g},{:.17g},{:.17g}\n", grid.time(r), run.x2, run.y2);
      fmt::print(y_file.stream(), "{:.17g},{:.17g},{:.17g},{:.17g}\n", s[0], s[1], s[2], s[3]);
      fmt::print(v_file.stream(), "{:.17g},{:.17g},{:.17g},{:.17g},{:.17g},{:.17g}\n", s[6], s[7],
                 s[8], s[9], s[10], s[11]);
      fmt::print(id_file.stream(), "{}\n", run.run_id);
    }
    ++summary.runs_written;
    summary.rows_written += grid.rows;
  }
  for (io::AtomicFileWriter* f : {&x_file, &y_file, &v_file, &id_file, &runs_file}) f->commit();
  if (summary.not_converged > 0) {
    fmt::print(settings.log, "{} of {} runs did not converge and were {} the train_* tables\n",
               summary.not_converged, summary.runs,
               settings.include_unconverged ? "nevertheless kept in" : "left out of");
  }
  return summary;
}

}  // namespace scidl::sci
