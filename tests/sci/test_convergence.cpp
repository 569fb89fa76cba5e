// The Brutus-style ladder: double first, MPFR only when needed, honest about failure.
#include <gtest/gtest.h>

#include <cmath>

#include "scidl/cases/three_body/breen.h"
#include "scidl/sci/convergence.h"

namespace scidl::sci {
namespace {

TEST(Convergence, LadderGoesDoubleThenDoubleDoubleThenMpfrByTheBrutusBitsRule) {
  const std::vector<Precision> ladder = precision_ladder(ConvergenceSettings{});
  ASSERT_EQ(ladder.size(), 7u);
  EXPECT_TRUE(ladder[0].is_double());
  EXPECT_TRUE(ladder[1].is_double());
  EXPECT_TRUE(ladder[2].is_double_double());  // tol 1e-16 needs 4·16 + 32 = 96 ≤ 106 bits
  EXPECT_EQ(ladder[2].tolerance, 1e-16);
  EXPECT_TRUE(ladder[3].is_double_double());  // tol 1e-18 needs 104 bits
  EXPECT_EQ(ladder[3].tolerance, 1e-18);
  EXPECT_EQ(ladder[4].bits, 112);
  EXPECT_TRUE(ladder[4].is_mpfr());
  EXPECT_EQ(ladder[5].bits, 128);
  EXPECT_EQ(ladder[6].bits, 144);
  EXPECT_EQ(ladder[6].tolerance, 1e-28);
  EXPECT_EQ(brutus_bits_for_tolerance(1e-11), 76);
  for (std::size_t k = 0; k < ladder.size(); ++k) {
    EXPECT_GE(ladder[k].is_double() ? 53 : ladder[k].bits,
              ladder[k].is_double() ? 53 : brutus_bits_for_tolerance(ladder[k].tolerance))
        << "every rung past double carries the bits Brutus' rule asks for";
    if (k > 0) {
      EXPECT_LE(ladder[k].tolerance, ladder[k - 1].tolerance / 10);
    }
  }
}

TEST(Convergence, MaxBitsCapsDoubleDoubleRungsByTheBitsTheyNeed) {
  ConvergenceSettings settings;
  settings.max_bits = 100;  // 1e-16 (96 bits) fits, 1e-18 (104) does not
  std::vector<Precision> ladder = precision_ladder(settings);
  ASSERT_EQ(ladder.size(), 3u);
  EXPECT_TRUE(ladder[2].is_double_double());
  settings.max_bits = 106;
  ladder = precision_ladder(settings);
  ASSERT_EQ(ladder.size(), 4u);
  EXPECT_TRUE(ladder[3].is_double_double());
  settings.double_double_tolerances = {1e-16, 1e-20};  // 112 bits: more than a double-double has
  settings.max_bits = 144;
  EXPECT_THROW(precision_ladder(settings), std::invalid_argument);
}

TEST(Convergence, EasyRunConvergesInDoublePrecision) {
  // A short window before any close encounter: both double rungs agree to far below 1e-6.
  ConvergenceSettings settings;
  settings.accept_distance = 1e-6;
  const ConvergedRun run = integrate_until_converged(
      breen_problem({-0.2, 0.3}), OutputGrid::covering(0.5, 1.0 / 256), settings);
  ASSERT_TRUE(run.converged) << run.note;
  EXPECT_TRUE(run.precision.is_double());
  EXPECT_EQ(run.attempts.size(), 2u);
  EXPECT_LT(run.distance, 1e-6);
  EXPECT_LT(run.trajectory.max_relative_energy_error, 1e-13);
}

TEST(Convergence, ChaoticRunEscalatesToDoubleDoubleNotMpfr) {
  // Seed 1, run 1 (x2 ≈ (-0.238, 0.733)) to t = 3.9: the double rungs differ by 2.4e-6, so at
  // 1e-6 the ladder must leave double; tol 1e-16 in double-double then agrees with tol 1e-13
  // to 1.5e-8, so no MPFR rung is needed (the old ladder ran MPFR at 96 bits here).
  ConvergenceSettings settings;
  settings.accept_distance = 1e-6;
  const ConvergedRun run = integrate_until_converged(
      breen_problem(sample_breen_position(1, 1)), OutputGrid::covering(3.9, 1.0 / 256), settings);
  ASSERT_TRUE(run.converged) << run.note;
  EXPECT_TRUE(run.precision.is_double_double());
  ASSERT_EQ(run.attempts.size(), 3u);
  EXPECT_GT(run.attempts[1].distance_to_previous, 1e-6);
  EXPECT_LT(run.distance, 1e-7);
  EXPECT_LT(run.trajectory.max_relative_energy_error, 1e-12);
}

TEST(Convergence, TooLowAPrecisionCapIsReportedAsNotConverged) {
  ConvergenceSettings settings;
  settings.max_bits = 53;  // double rungs only
  settings.accept_distance = 1e-12;
  const ConvergedRun run = integrate_until_converged(
      breen_problem({-0.2, 0.3}), OutputGrid::covering(1.0, 1.0 / 256), settings);
  EXPECT_FALSE(run.converged);
  EXPECT_NE(run.note.find("raise --max-bits"), std::string::npos) << run.note;
  EXPECT_GT(run.distance, 1e-12);
}

TEST(Convergence, LadderWithOneRungIsRejectedWithAFix) {
  ConvergenceSettings settings;
  settings.double_tolerances = {1e-13};
  settings.max_bits = 53;
  try {
    check_convergence_settings(settings);
    FAIL() << "expected an error";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("raise --max-bits to at least 96"), std::string::npos)
        << e.what();
  }
}

TEST(Convergence, CapBelowDoublePrecisionIsRejected) {
  ConvergenceSettings settings;
  settings.max_bits = 10;
  try {
    check_convergence_settings(settings);
    FAIL() << "expected an error";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("cap of 10 bits is below double precision (53 bits)"),
              std::string::npos)
        << e.what();
  }
}

TEST(Convergence, PhaseSpaceDistanceIsInfiniteForAnIncompleteRun) {
  Trajectory a, b;
  a.completed = true;
  b.completed = false;
  EXPECT_TRUE(std::isinf(max_phase_space_distance(a, b)));
}

}  // namespace
}  // namespace scidl::sci
