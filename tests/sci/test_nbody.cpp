// Planar N-body integration: Kepler orbits close, energy is conserved, and the famous
// Pythagorean problem ends the way Szebehely and Peters found.
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <vector>

#include "scidl/sci/nbody_integration.h"

namespace scidl::sci {
namespace {

// Two bodies on an orbit of semi-major axis a and eccentricity e, starting at pericentre, in the
// barycentric frame. Returns the problem and its period 2π sqrt(a³ / M).
NBodyProblem kepler_problem(double m1, double m2, double a, double e, double* period) {
  const double total = m1 + m2;
  const double r = a * (1 - e);
  const double v = std::sqrt(total * (1 + e) / r);
  *period = 2 * std::numbers::pi * std::sqrt(a * a * a / total);
  NBodyProblem p;
  p.masses = {m1, m2};
  p.initial_state = {-m2 / total * r,
                     0,
                     m1 / total * r,
                     0,  // positions
                     0,
                     -m2 / total * v,
                     0,
                     m1 / total * v};  // velocities
  return p;
}

NBodyProblem pythagorean_problem() {
  NBodyProblem p;
  p.masses = {3, 4, 5};
  p.initial_state = {1, 3, -2, -1, 1, -1, 0, 0, 0, 0, 0, 0};
  return p;
}

double max_abs_difference(const double* a, const double* b, int n) {
  double worst = 0;
  for (int i = 0; i < n; ++i) worst = std::max(worst, std::abs(a[i] - b[i]));
  return worst;
}

TEST(NBodyIntegration, KeplerOrbitReturnsToItsStartAfterOnePeriod) {
  double period = 0;
  const NBodyProblem problem = kepler_problem(1.0, 0.5, 1.0, 0.5, &period);
  OutputGrid grid;
  grid.dt = period / 64;
  grid.rows = 65;
  const Trajectory orbit = integrate_nbody(problem, grid, Precision{1e-14, 53});
  ASSERT_TRUE(orbit.completed) << orbit.failure;
  EXPECT_LT(max_abs_difference(orbit.row(64), problem.initial_state.data(), 8), 1e-12);
  EXPECT_LT(orbit.max_relative_energy_error, 1e-13);
  EXPECT_LT(orbit.max_angular_momentum_drift, 1e-13);
}

TEST(NBodyIntegration, ConservesEnergyOnAnEasyThreeBodyRun) {
  // Breen et al.'s set-up away from close encounters: x2 = (-0.2, 0.3), t up to 2.
  NBodyProblem problem;
  problem.masses = {1, 1, 1};
  problem.initial_state = {1, 0, -0.2, 0.3, -0.8, -0.3, 0, 0, 0, 0, 0, 0};
  const Trajectory run =
      integrate_nbody(problem, OutputGrid::covering(2.0, 1.0 / 256), {1e-13, 53});
  ASSERT_TRUE(run.completed) << run.failure;
  EXPECT_EQ(run.grid.rows, 513);
  EXPECT_LT(run.max_relative_energy_error, 1e-12);
  EXPECT_LT(run.max_angular_momentum_drift, 1e-12);
}

TEST(NBodyIntegration, MultiprecisionAgreesWithDoubleAndConservesEnergyFarBetter) {
  NBodyProblem problem;
  problem.masses = {1, 1, 1};
  problem.initial_state = {1, 0, -0.2, 0.3, -0.8, -0.3, 0, 0, 0, 0, 0, 0};
  const OutputGrid grid = OutputGrid::covering(0.5, 1.0 / 64);
  const Trajectory in_double = integrate_nbody(problem, grid, {1e-13, 53});
  const Trajectory in_mpfr = integrate_nbody(problem, grid, {1e-24, 128});
  ASSERT_TRUE(in_double.completed && in_mpfr.completed);
  double worst = 0;
  for (int k = 0; k < grid.rows; ++k) {
    worst = std::max(worst, max_abs_difference(in_double.row(k), in_mpfr.row(k), 12));
  }
  EXPECT_LT(worst, 1e-11);
  EXPECT_LT(in_mpfr.max_relative_energy_error, 1e-22);
  EXPECT_LT(in_mpfr.max_relative_energy_error, 1e-6 * in_double.max_relative_energy_error);
}

TEST(NBodyIntegration, PythagoreanProblemEjectsTheLightestBodyAndBindsTheOtherTwo) {
  const NBodyProblem problem = pythagorean_problem();
  const Trajectory run = integrate_nbody(problem, OutputGrid::covering(70.0, 0.5), {1e-13, 53});
  ASSERT_TRUE(run.completed) << run.failure;
  const double* end = run.row(run.grid.rows - 1);
  const double m[3] = {3, 4, 5};
  auto distance = [&](int i, int j) {
    return std::hypot(end[2 * j] - end[2 * i], end[2 * j + 1] - end[2 * i + 1]);
  };
  // Energy of the pair (4, 5) in its own centre-of-mass frame.
  const double dvx = end[6 + 4] - end[6 + 2], dvy = end[6 + 5] - end[6 + 3];
  const double reduced = m[1] * m[2] / (m[1] + m[2]);
  const double pair_energy = 0.5 * reduced * (dvx * dvx + dvy * dvy) - m[1] * m[2] / distance(1, 2);
  EXPECT_LT(pair_energy, 0) << "masses 4 and 5 must form a bound binary";
  EXPECT_GT(distance(0, 1), 5.0);
  EXPECT_GT(distance(0, 2), 5.0);
  EXPECT_LT(distance(1, 2), 1.0);
  // Mass 3 moves away from the binary's centre of mass.
  const double cx = (m[1] * end[2] + m[2] * end[4]) / (m[1] + m[2]);
  const double cy = (m[1] * end[3] + m[2] * end[5]) / (m[1] + m[2]);
  const double cvx = (m[1] * end[8] + m[2] * end[10]) / (m[1] + m[2]);
  const double cvy = (m[1] * end[9] + m[2] * end[11]) / (m[1] + m[2]);
  const double radial_velocity = (end[0] - cx) * (end[6] - cvx) + (end[1] - cy) * (end[7] - cvy);
  EXPECT_GT(radial_velocity, 0);
  EXPECT_LT(run.max_relative_energy_error, 1e-9);
  RecordProperty("relative_energy_error", std::to_string(run.max_relative_energy_error));
  RecordProperty("steps", std::to_string(run.steps));
}

}  // namespace
}  // namespace scidl::sci
