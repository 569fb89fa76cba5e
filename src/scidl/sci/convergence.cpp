#include "scidl/sci/convergence.h"

#include <fmt/core.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <ctime>
#include <limits>
#include <stdexcept>

namespace scidl::sci {

double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

int brutus_bits_for_tolerance(double tolerance) {
  return static_cast<int>(std::lround(4.0 * std::abs(std::log10(tolerance)) + 32.0));
}

std::vector<Precision> precision_ladder(const ConvergenceSettings& settings) {
  std::vector<Precision> ladder;
  for (double tol : settings.double_tolerances) ladder.push_back({tol, 53});
  for (double tol : settings.double_double_tolerances) {
    const int bits = brutus_bits_for_tolerance(tol);
    if (bits > settings.max_bits) break;
    if (bits > Precision::kDoubleDoubleBits) {
      throw std::invalid_argument(fmt::format(
          "a double-double rung at tol {:g} would need {} bits by Brutus' rule, more than the "
          "{} a double-double has; use tolerances of 1e-18 or looser for double-double rungs",
          tol, bits, Precision::kDoubleDoubleBits));
    }
    ladder.push_back({tol, Precision::kDoubleDoubleBits});
  }
  for (double tol = settings.first_mpfr_tolerance;; tol *= settings.mpfr_tolerance_factor) {
    tol = std::stod(fmt::format("{:.12g}", tol));  // 1e-28, not 1.0000000000000002e-28
    const int bits = brutus_bits_for_tolerance(tol);
    if (bits > settings.max_bits) break;
    ladder.push_back({tol, bits});
  }
  return ladder;
}

double max_phase_space_distance(const Trajectory& a, const Trajectory& b) {
  if (!a.completed || !b.completed) return std::numeric_limits<double>::infinity();
  if (a.bodies != b.bodies || a.grid.rows != b.grid.rows) {
    throw std::invalid_argument("cannot compare trajectories of different shapes");
  }
  const int width = 4 * a.bodies;
  double worst = 0;
  for (int k = 0; k < a.grid.rows; ++k) {
    const double* p = a.row(k);
    const double* q = b.row(k);
    double sum = 0;
    for (int i = 0; i < width; ++i) sum += (p[i] - q[i]) * (p[i] - q[i]);
    worst = std::max(worst, std::sqrt(sum));
  }
  return std::isnan(worst) ? std::numeric_limits<double>::infinity() : worst;
}

void check_convergence_settings(const ConvergenceSettings& settings) {
  if (!(settings.accept_distance > 0)) {
    throw std::invalid_argument(fmt::format("the acceptance distance must be positive (got {:g})",
                                            settings.accept_distance));
  }
  // The double rungs run whatever the cap: a cap below them would not be obeyed.
  if (settings.max_bits < 53)
    throw std::invalid_argument(fmt::format(
        "the precision cap of {} bits is below double precision (53 bits), where the ladder "
        "starts; use --max-bits 53 or more",
        settings.max_bits));
  const std::size_t rungs = precision_ladder(settings).size();
  if (rungs < 2) {
    const double next_tolerance = settings.double_double_tolerances.empty()
                                      ? settings.first_mpfr_tolerance
                                      : settings.double_double_tolerances.front();
    throw std::invalid_argument(fmt::format(
        "the precision ladder up to {} bits has {} rung(s); convergence needs two to compare "
        "(raise --max-bits to at least {})",
        settings.max_bits, rungs, brutus_bits_for_tolerance(next_tolerance)));
  }
}

ConvergedRun integrate_until_converged(const NBodyProblem& problem, const OutputGrid& grid,
                                       const ConvergenceSettings& settings) {
  const auto start = std::chrono::steady_clock::now();
  const double cpu_start = thread_cpu_seconds();
  check_convergence_settings(settings);
  const std::vector<Precision> ladder = precision_ladder(settings);
  ConvergedRun result;
  Trajectory previous;
  for (std::size_t rung = 0; rung < ladder.size(); ++rung) {
    Trajectory current = integrate_nbody(problem, grid, ladder[rung]);
    ConvergenceAttempt attempt{ladder[rung], current.completed, -1, current.wall_seconds};
    if (rung > 0) attempt.distance_to_previous = max_phase_space_distance(previous, current);
    result.attempts.push_back(attempt);
    result.precision = ladder[rung];
    result.distance = attempt.distance_to_previous;
    if (rung > 0 && attempt.distance_to_previous < settings.accept_distance) {
      result.converged = true;
      result.trajectory = std::move(current);
      break;
    }
    previous = std::move(current);
  }
  if (!result.converged) {
    const ConvergenceAttempt& last = result.attempts.back();
    result.note = last.completed
                      ? fmt::format("last two rungs differ by {:.3g} > {:g}; raise --max-bits",
                                    last.distance_to_previous, settings.accept_distance)
                      : fmt::format("could not integrate at {}: {}", last.precision.describe(),
                                    previous.failure);
    result.trajectory = std::move(previous);
  }
  result.cpu_seconds = thread_cpu_seconds() - cpu_start;
  result.wall_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result;
}

}  // namespace scidl::sci
