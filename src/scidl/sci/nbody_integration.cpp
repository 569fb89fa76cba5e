#include "scidl/sci/nbody_integration.h"

#include <fmt/core.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <stdexcept>

#include "scidl/sci/bulirsch_stoer.h"
#include "scidl/sci/double_double.h"
#include "scidl/sci/mp_real.h"
#include "scidl/sci/nbody.h"

namespace scidl::sci {

OutputGrid OutputGrid::covering(double t_max, double dt) {
  if (!(dt > 0) || !(t_max >= 0)) {
    throw std::invalid_argument(fmt::format(
        "output grid needs dt > 0 and t-max >= 0 (got dt = {}, t-max = {})", dt, t_max));
  }
  OutputGrid grid;
  grid.dt = dt;
  grid.rows = static_cast<int>(std::ceil(t_max / dt - 1e-9)) + 1;
  return grid;
}

std::string Precision::describe() const {
  if (is_double()) return fmt::format("tol {:g} / double", tolerance);
  if (is_double_double()) return fmt::format("tol {:g} / double-double", tolerance);
  return fmt::format("tol {:g} / {} bits", tolerance, bits);
}

namespace {

template <class Scalar>
Trajectory integrate_with(const NBodyProblem& problem, const OutputGrid& grid,
                          const Precision& precision, long max_steps) {
  const auto start = std::chrono::steady_clock::now();
  Trajectory out;
  out.bodies = static_cast<int>(problem.bodies());
  out.grid = grid;
  const std::size_t dim = 4 * problem.bodies();
  out.states.reserve(dim * grid.rows);

  PlanarNBody<Scalar> system(problem.masses);
  BulirschStoerSettings settings;
  settings.relative_tolerance = precision.tolerance;
  settings.absolute_tolerance = precision.tolerance;
  settings.epsilon_of_scalar = precision.is_double_double()
                                   ? DoubleDouble::kEpsilon
                                   : std::ldexp(1.0, -(std::max(precision.bits, 53) - 1));
  settings.max_steps = max_steps > 0 ? max_steps : (precision.is_double() ? 1'000'000 : 200'000);
  BulirschStoer<Scalar, PlanarNBody<Scalar>> integrator(system, settings);

  std::vector<Scalar> y;
  for (double v : problem.initial_state) y.emplace_back(v);
  const Scalar energy0 = system.energy(y);
  const Scalar momentum0 = system.angular_momentum(y);
  const double energy0_d = to_double(energy0);
  auto record = [&] {
    for (const Scalar& v : y) out.states.push_back(to_double(v));
    const double de = to_double(system.energy(y) - energy0);
    const double dl = to_double(system.angular_momentum(y) - momentum0);
    const double relative = energy0_d != 0 ? std::abs(de / energy0_d) : std::abs(de);
    out.max_relative_energy_error = std::max(out.max_relative_energy_error, relative);
    out.max_angular_momentum_drift = std::max(out.max_angular_momentum_drift, std::abs(dl));
  };
  Scalar t = 0.0;
  record();
  try {
    for (int k = 1; k < grid.rows; ++k) {
      // k·dt is exact in binary for the usual dt = 2⁻ᵐ, so every run lands on the same times.
      integrator.advance(t, y, Scalar(grid.time(k)));
      record();
    }
    out.completed = true;
  } catch (const IntegrationFailure& failure) {
    out.failure = failure.what();
  }
  out.steps = integrator.stats().accepted_steps;
  out.rejected_steps = integrator.stats().rejected_steps;
  out.derivative_evaluations = integrator.stats().derivative_evaluations;
  out.wall_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return out;
}

void check_problem(const NBodyProblem& problem) {
  const std::size_t n = problem.bodies();
  if (n < 2) throw std::invalid_argument("N-body problem needs at least 2 bodies");
  if (problem.initial_state.size() != 4 * n) {
    throw std::invalid_argument(fmt::format(
        "N-body initial state has {} values; {} bodies need 4·N = {} (x, y per body, then vx, vy)",
        problem.initial_state.size(), n, 4 * n));
  }
  for (std::size_t i = 0; i < n; ++i) {
    if (!(problem.masses[i] > 0)) {
      throw std::invalid_argument(
          fmt::format("mass of body {} is {}; masses must be positive", i + 1, problem.masses[i]));
    }
  }
}

}  // namespace

Trajectory integrate_nbody(const NBodyProblem& problem, const OutputGrid& grid,
                           const Precision& precision, long max_steps) {
  check_problem(problem);
  if (grid.rows < 1) throw std::invalid_argument("output grid has no rows");
  if (!(precision.tolerance > 0)) {
    throw std::invalid_argument(
        fmt::format("integration tolerance must be positive (got {})", precision.tolerance));
  }
  if (precision.is_double()) return integrate_with<double>(problem, grid, precision, max_steps);
  if (precision.is_double_double()) {
    return integrate_with<DoubleDouble>(problem, grid, precision, max_steps);
  }
  ScopedMpPrecision scope(precision.bits);
  return integrate_with<MpReal>(problem, grid, precision, max_steps);
}

}  // namespace scidl::sci
