// Slow: the Pythagorean three-body problem to t = 70 under a strict convergence criterion
// (phase-space distance < 1e-6 between rungs, 100x stricter than the default); the double-double
// pair is 9.2e-4 apart, MPFR 112 bits 2e-6 from it and 128 bits 3.9e-6 from that; it converges
// at tol 1e-28 / 144 bits (1.5e-10), with energy error 3e-25 (about 15 s of CPU).
#include <gtest/gtest.h>

#include <cmath>

#include "scidl/sci/convergence.h"

namespace scidl::sci {
namespace {

TEST(PythagoreanProblemSlow, ConvergesStrictlyAndEndsWithABinaryAndAnEscaper) {
  NBodyProblem problem;
  problem.masses = {3, 4, 5};
  problem.initial_state = {1, 3, -2, -1, 1, -1, 0, 0, 0, 0, 0, 0};
  ConvergenceSettings settings;
  settings.accept_distance = 1e-6;
  const ConvergedRun run =
      integrate_until_converged(problem, OutputGrid::covering(70.0, 0.5), settings);
  EXPECT_GE(run.precision.bits, 128);
  ASSERT_TRUE(run.converged) << run.note;
  const double* e = run.trajectory.row(run.trajectory.grid.rows - 1);
  EXPECT_NEAR(e[0], 6.9335, 1e-3);  // mass 3, far out
  EXPECT_NEAR(e[1], 20.2618, 1e-3);
  const double r45 = std::hypot(e[4] - e[2], e[5] - e[3]);
  const double v45 = std::hypot(e[10] - e[8], e[11] - e[9]);
  const double binary_energy = 0.5 * (4.0 * 5.0 / 9.0) * v45 * v45 - 4.0 * 5.0 / r45;
  EXPECT_LT(binary_energy, 0);
  EXPECT_LT(run.trajectory.max_relative_energy_error, 1e-20);
}

}  // namespace
}  // namespace scidl::sci
