// Benchmark, our side: Bulirsch–Stoer on 100 random Breen et al. initial conditions (fixed seed)
// to t = 3.9 on the dataset's output grid (dt = 2⁻⁸, 1000 rows, last t = 3.90234375).
//   bench_three_body_integrator --initial IC.csv --final FINAL.csv [--runs 100] [--seed 2020]
// Times one double-precision integration at tol 1e-13 per run (what a peer integrator in double
// does), then runs the convergence ladder (capped at 112 bits, accepting at 1e-6, on 2 threads)
// to get a reference solution and a converged flag. Writes the initial conditions (for the peer)
// and the final positions, and prints key=value lines (times are the thread's CPU time, so a busy
// machine does not inflate them): scidl_ms_per_run (median, single double run),
// scidl_converged_ms_per_run (median, whole ladder), scidl_converged_runs,
// scidl_double_max_position_diff (single double run vs converged reference, converged runs), and
// the median time of one run in double-double against MPFR on the first 20 runs
// (scidl_double_double_tol1e-16_ms_per_run against scidl_mpfr96_tol1e-16_ms_per_run, ...).
#include <fmt/core.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "scidl/cases/three_body/breen.h"
#include "scidl/io/file_io.h"
#include "scidl/sci/convergence.h"

using namespace scidl::sci;

namespace {

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

double max_position_diff(const double* a, const double* b) {
  double worst = 0;
  for (int i = 0; i < 6; ++i) worst = std::max(worst, std::abs(a[i] - b[i]));
  return worst;
}

}  // namespace

int main(int argc, char** argv) {
  std::string initial_csv, final_csv;
  int runs = 100;
  std::uint64_t seed = 2020;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string key = argv[i];
    if (key == "--initial")
      initial_csv = argv[i + 1];
    else if (key == "--final")
      final_csv = argv[i + 1];
    else if (key == "--runs")
      runs = std::atoi(argv[i + 1]);
    else if (key == "--seed")
      seed = std::strtoull(argv[i + 1], nullptr, 10);
    else {
      fmt::print(stderr, "unknown option {}\n", key);
      return 1;
    }
  }
  if (initial_csv.empty() || final_csv.empty()) {
    fmt::print(stderr, "usage: {} --initial IC.csv --final FINAL.csv [--runs N] [--seed S]\n",
               argv[0]);
    return 1;
  }
  const OutputGrid grid = OutputGrid::covering(3.9, 1.0 / 256);
  std::vector<BreenPosition> starts;
  std::string ic = "run,x2,y2,t_end,dt,rows\n";
  for (int k = 0; k < runs; ++k) {
    starts.push_back(sample_breen_position(seed, k));
    ic += fmt::format("{},{:.17g},{:.17g},{:.17g},{:.17g},{}\n", k, starts[k].x, starts[k].y,
                      grid.last_time(), grid.dt, grid.rows);
  }
  scidl::io::write_file_atomically(initial_csv, ic);

  // 1. Timing: one double run per initial condition, one thread, nothing else running.
  std::vector<Trajectory> single(runs);
  std::vector<double> single_ms;
  for (int k = 0; k < runs; ++k) {
    const double cpu_start = thread_cpu_seconds();
    single[k] = integrate_nbody(breen_problem(starts[k]), grid, {1e-13, 53});
    single_ms.push_back(1e3 * (thread_cpu_seconds() - cpu_start));
  }

  // The same without output stops (one step to t_end), for comparison with the peer's.
  std::vector<double> direct_ms;
  OutputGrid direct_grid;
  direct_grid.dt = grid.last_time();
  direct_grid.rows = 2;
  for (int k = 0; k < runs; ++k) {
    const double cpu_start = thread_cpu_seconds();
    integrate_nbody(breen_problem(starts[k]), direct_grid, {1e-13, 53});
    direct_ms.push_back(1e3 * (thread_cpu_seconds() - cpu_start));
  }

  // The scalar types past double on the first 20 runs, one thread: double-double against MPFR at
  // the bits it replaces (tol 1e-16: the rung that used to be MPFR 96 bits) and against the
  // first MPFR rung (tol 1e-20 / 112 bits).
  const int scalar_runs = std::min(runs, 20);
  auto time_precision = [&](const Precision& precision) {
    std::vector<double> ms;
    for (int k = 0; k < scalar_runs; ++k) {
      const double cpu_start = thread_cpu_seconds();
      integrate_nbody(breen_problem(starts[k]), grid, precision);
      ms.push_back(1e3 * (thread_cpu_seconds() - cpu_start));
    }
    return median(ms);
  };
  const double dd16_ms = time_precision({1e-16, Precision::kDoubleDoubleBits});
  const double mpfr96_ms = time_precision({1e-16, 96});
  const double dd18_ms = time_precision({1e-18, Precision::kDoubleDoubleBits});
  const double mpfr112_ms = time_precision({1e-20, 112});

  // 2. Reference: the convergence ladder up to 112 bits, two worker threads.
  ConvergenceSettings settings;
  settings.max_bits = 112;
  settings.accept_distance = 1e-6;  // a tight reference, as before the default became 1e-4
  std::vector<ConvergedRun> converged(runs);
  std::atomic<int> next{0};
  auto worker = [&] {
    for (int k; (k = next.fetch_add(1)) < runs;) {
      converged[k] = integrate_until_converged(breen_problem(starts[k]), grid, settings);
    }
  };
  std::thread helper(worker);
  worker();
  helper.join();

  std::string out =
      "run,converged,bits,x1,y1,x2,y2,x3,y3,double_x1,double_y1,double_x2,"
      "double_y2,double_x3,double_y3\n";
  std::vector<double> ladder_ms;
  double double_diff = 0;
  int converged_runs = 0;
  for (int k = 0; k < runs; ++k) {
    const ConvergedRun& c = converged[k];
    ladder_ms.push_back(1e3 * c.cpu_seconds);
    const double* ref = c.trajectory.row(grid.rows - 1);
    const double* dbl = single[k].row(grid.rows - 1);
    if (c.converged) {
      ++converged_runs;
      double_diff = std::max(double_diff, max_position_diff(ref, dbl));
    }
    out += fmt::format("{},{},{}", k, c.converged ? 1 : 0, c.precision.bits);
    for (int i = 0; i < 6; ++i) out += fmt::format(",{:.17g}", ref[i]);
    for (int i = 0; i < 6; ++i) out += fmt::format(",{:.17g}", dbl[i]);
    out += '\n';
  }
  scidl::io::write_file_atomically(final_csv, out);
  fmt::print("scidl_ms_per_run_no_output_stops={:.3f}\n", median(direct_ms));
  fmt::print("scidl_ms_per_run={:.3f}\n", median(single_ms));
  fmt::print("scidl_double_double_tol1e-16_ms_per_run={:.1f}\n", dd16_ms);
  fmt::print("scidl_mpfr96_tol1e-16_ms_per_run={:.1f}\n", mpfr96_ms);
  fmt::print("scidl_double_double_tol1e-18_ms_per_run={:.1f}\n", dd18_ms);
  fmt::print("scidl_mpfr112_tol1e-20_ms_per_run={:.1f}\n", mpfr112_ms);
  fmt::print("scidl_converged_ms_per_run={:.1f}\n", median(ladder_ms));
  fmt::print("scidl_converged_runs={}/{}\n", converged_runs, runs);
  fmt::print("scidl_double_max_position_diff={:.3g}\n", double_diff);
  return 0;
}
