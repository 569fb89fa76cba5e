#include "scidl/cases/three_body/dataset.h"

#include <fmt/core.h>

#include <chrono>
#include <exception>
#include <fstream>
#include <limits>
#include <map>
#include <mutex>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <vector>

#include "scidl/cases/three_body/breen.h"
#include "scidl/cases/three_body/manifest.h"
#include "scidl/cases/three_body/run_file.h"
#include "scidl/io/file_io.h"
#include "scidl/io/progress_bar.h"

namespace scidl::sci {
namespace {

namespace fs = std::filesystem;

void remove_stale_temporaries(const fs::path& dir) {
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.is_regular_file() && io::is_atomic_temp_file(entry.path())) {
      fs::remove(entry.path());
    }
  }
}

// ---- one run ------------------------------------------------------------------------------

ThreeBodyRun compute_run(std::int64_t run_id, std::uint64_t seed, const OutputGrid& grid,
                         const ConvergenceSettings& convergence) {
  const BreenPosition x2 = sample_breen_position(seed, static_cast<std::uint64_t>(run_id));
  const ConvergedRun result = integrate_until_converged(breen_problem(x2), grid, convergence);
  ThreeBodyRun run;
  run.run_id = run_id;
  run.x2 = x2.x;
  run.y2 = x2.y;
  run.converged = result.converged;
  run.precision = result.precision;
  run.phase_space_distance = result.distance;
  run.relative_energy_error = result.trajectory.max_relative_energy_error;
  run.angular_momentum_drift = result.trajectory.max_angular_momentum_drift;
  run.wall_seconds = result.wall_seconds;
  run.cpu_seconds = result.cpu_seconds;
  run.attempts = static_cast<int>(result.attempts.size());
  run.note = result.note;
  run.grid = grid;
  run.states = result.trajectory.states;
  // An incomplete trajectory is padded with NaN so every run file has the same shape.
  run.states.resize(static_cast<std::size_t>(grid.rows) * 12,
                    std::numeric_limits<double>::quiet_NaN());
  return run;
}

// Why an intact run file on disk cannot be reused (empty: it can).
std::string stale_reason(const ThreeBodyRun& run, std::int64_t run_id, std::uint64_t seed,
                         const OutputGrid& grid, int top_bits, double accept_distance) {
  const BreenPosition x2 = sample_breen_position(seed, static_cast<std::uint64_t>(run_id));
  if (run.run_id != run_id || run.x2 != x2.x || run.y2 != x2.y) {
    return "it holds a different initial condition than this seed gives";
  }
  if (run.grid.rows != grid.rows || run.grid.dt != grid.dt) return "its output grid differs";
  if (run.converged && !(run.phase_space_distance < accept_distance)) {
    return fmt::format(
        "it was accepted at distance {:.3g}, above this call's --accept-distance {:g}",
        run.phase_space_distance, accept_distance);
  }
  if (!run.converged && run.precision.bits < top_bits) {
    return "it did not converge and a higher --max-bits now allows another try";
  }
  if (!run.converged && run.phase_space_distance >= 0 &&
      run.phase_space_distance < accept_distance) {
    return "it did not converge and a looser --accept-distance now accepts its last two rungs";
  }
  return {};
}

}  // namespace

GenerateSummary generate_three_body_runs(const GenerateSettings& settings) {
  const auto start = std::chrono::steady_clock::now();
  if (settings.runs <= 0) {
    throw std::invalid_argument(fmt::format("--runs must be positive (got {})", settings.runs));
  }
  if (settings.threads <= 0) {
    throw std::invalid_argument(
        fmt::format("--threads must be positive (got {})", settings.threads));
  }
  const OutputGrid grid = OutputGrid::covering(settings.t_max, settings.dt);
  check_convergence_settings(settings.convergence);
  const int top_bits = precision_ladder(settings.convergence).back().bits;

  const fs::path runs_dir = settings.out_dir / "runs";
  fs::create_directories(runs_dir);
  remove_stale_temporaries(settings.out_dir);
  remove_stale_temporaries(runs_dir);

  Manifest manifest{settings.seed, settings.dt, settings.t_max, grid.rows, settings.runs};
  if (const auto existing = read_manifest(settings.out_dir)) {
    if (existing->seed != settings.seed || existing->dt != settings.dt ||
        existing->rows != grid.rows) {
      throw std::invalid_argument(fmt::format(
          "{} holds runs made with --seed {} --dt {} --t-max {} ({} rows); this call asks for "
          "--seed {} --dt {} --t-max {} ({} rows). Pass the same options to resume or extend it, "
          "or choose a new --out",
          settings.out_dir.string(), existing->seed, existing->dt, existing->t_max, existing->rows,
          settings.seed, settings.dt, settings.t_max, grid.rows));
    }
    manifest.runs = std::max(existing->runs, settings.runs);
  }
  write_manifest(settings.out_dir, manifest);

  // Find what is already done.
  GenerateSummary summary;
  summary.runs = settings.runs;
  std::vector<std::int64_t> todo;
  for (std::int64_t k = 0; k < settings.runs; ++k) {
    const fs::path path = run_file_path(settings.out_dir, k);
    if (!fs::exists(path)) {
      todo.push_back(k);
      continue;
    }
    try {
      const ThreeBodyRun run = read_run_file(path);
      if (const std::string why = stale_reason(run, k, settings.seed, grid, top_bits,
                                               settings.convergence.accept_distance);
          !why.empty()) {
        fmt::print(settings.log, "note: recomputing {}: {}\n", path.string(), why);
        todo.push_back(k);
        continue;
      }
      ++summary.reused;
      if (!run.converged) ++summary.not_converged;
    } catch (const RunFileCorrupt& e) {
      fmt::print(settings.log, "warning: {}; recomputing it\n", e.what());
      ++summary.corrupt_replaced;
      todo.push_back(k);
    }
  }
  if (summary.reused > 0) {
    fmt::print(settings.log, "resuming: {} of {} runs already done in {}\n", summary.reused,
               settings.runs, runs_dir.string());
  }

  std::atomic<std::size_t> next{0};
  std::atomic<bool> failed{false};
  std::atomic<std::int64_t> not_converged_now{0};
  std::mutex result_mutex;
  std::exception_ptr first_error;
  double compute_seconds = 0;
  std::int64_t computed = 0;
  std::optional<io::ProgressBar> progress;
  if (settings.show_progress) {
    progress.emplace("three-body runs", settings.runs, settings.runs - std::ssize(todo),
                     settings.log);
  }
  auto stop = [&] {
    return failed.load() || (settings.stop_requested && settings.stop_requested->load());
  };
  auto worker = [&] {
    while (!stop()) {
      const std::size_t i = next.fetch_add(1);
      if (i >= todo.size()) return;
      try {
        const ThreeBodyRun run = compute_run(todo[i], settings.seed, grid, settings.convergence);
        io::write_file_atomically(run_file_path(settings.out_dir, run.run_id),
                                  format_run_file(run));
        std::lock_guard lock(result_mutex);
        compute_seconds += run.wall_seconds;
        ++computed;
        if (!run.converged) ++not_converged_now;
        if (progress) {
          progress->set_note(
              fmt::format("{} not converged", summary.not_converged + not_converged_now.load()));
          progress->advance();
        }
      } catch (...) {
        std::lock_guard lock(result_mutex);
        if (!first_error) first_error = std::current_exception();
        failed = true;
      }
    }
  };
  std::vector<std::thread> pool;
  const int threads = static_cast<int>(
      std::min<std::size_t>(settings.threads, std::max<std::size_t>(todo.size(), 1)));
  for (int t = 0; t < threads; ++t) pool.emplace_back(worker);
  for (auto& thread : pool) thread.join();
  if (progress) progress->finish();
  if (first_error) std::rethrow_exception(first_error);

  summary.computed = computed;
  summary.compute_seconds = compute_seconds;
  summary.not_converged += not_converged_now.load();
  summary.interrupted = summary.reused + computed < settings.runs;
  summary.wall_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return summary;
}

}  // namespace scidl::sci
