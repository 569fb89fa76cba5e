// DoubleDouble, the 106-bit rung between double and MPFR: its arithmetic checked against MPFR at
// 200 bits, and the same Bulirsch–Stoer and N-body checks the double and MPFR paths pass.
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <random>
#include <vector>

#include "scidl/sci/bulirsch_stoer.h"
#include "scidl/sci/double_double.h"
#include "scidl/sci/mp_real.h"
#include "scidl/sci/nbody_integration.h"

namespace scidl::sci {
namespace {

MpReal to_mp(const DoubleDouble& x) {
  MpReal r(x.hi());
  r += MpReal(x.lo());
  return r;
}

double relative_error(const DoubleDouble& got, const MpReal& exact) {
  MpReal diff = to_mp(got);
  diff -= exact;
  return std::abs(diff.to_double() / exact.to_double());
}

DoubleDouble random_double_double(std::mt19937_64& rng) {
  std::uniform_real_distribution<double> mantissa(1.0, 2.0);
  std::uniform_int_distribution<int> exponent(-20, 20);
  std::bernoulli_distribution negative(0.5);
  const double hi = std::ldexp(mantissa(rng), exponent(rng)) * (negative(rng) ? -1 : 1);
  const double lo = hi * 0x1p-54 * (mantissa(rng) - 1.5);
  return DoubleDouble::sum(hi, lo);
}

TEST(DoubleDouble, ArithmeticMatchesMpfrToAbout104Bits) {
  ScopedMpPrecision precision(200);
  std::mt19937_64 rng(42);
  double worst_add = 0, worst_mul = 0, worst_div = 0, worst_sqrt = 0;
  for (int i = 0; i < 20000; ++i) {
    const DoubleDouble a = random_double_double(rng), b = random_double_double(rng);
    const MpReal ma = to_mp(a), mb = to_mp(b);
    // Sums of like signs (cancellation makes any format's relative error unbounded).
    const DoubleDouble b_like = (a.hi() < 0) == (b.hi() < 0) ? b : -b;
    worst_add = std::max(worst_add, relative_error(a + b_like, ma + to_mp(b_like)));
    worst_mul = std::max(worst_mul, relative_error(a * b, ma * mb));
    worst_div = std::max(worst_div, relative_error(a / b, ma / mb));
    const DoubleDouble root = sqrt(abs(a));
    worst_sqrt = std::max(worst_sqrt, relative_error(root, sqrt(abs(ma))));
  }
  EXPECT_LT(worst_add, 0x1p-104);
  EXPECT_LT(worst_mul, 0x1p-103);
  EXPECT_LT(worst_div, 0x1p-102);
  EXPECT_LT(worst_sqrt, 0x1p-102);
  EXPECT_GT(worst_mul, 0x1p-115) << "the test should see real rounding, not exact results";
}

TEST(DoubleDouble, SubtractionOfNearlyEqualNumbersKeepsTheLowWord) {
  const DoubleDouble one_plus = DoubleDouble::sum(1.0, 0x1p-80);
  const DoubleDouble difference = one_plus - DoubleDouble(1.0);
  EXPECT_EQ(difference.hi(), 0x1p-80);
  EXPECT_EQ(difference.lo(), 0.0);
  EXPECT_TRUE(DoubleDouble(1.0) < one_plus);
  EXPECT_TRUE(one_plus > DoubleDouble(1.0));
  EXPECT_FALSE(one_plus == DoubleDouble(1.0));
}

template <class Scalar>
struct HarmonicOscillator {
  std::size_t dimension() const { return 2; }
  void derivative(const Scalar&, const std::vector<Scalar>& y, std::vector<Scalar>& dydt) {
    dydt[0] = y[1];
    dydt[1] = y[0];
    dydt[1] *= -1.0;
  }
};

TEST(DoubleDouble, BulirschStoerReachesErrorsFarBelowDoubleRoundoff) {
  HarmonicOscillator<DoubleDouble> system;
  BulirschStoerSettings settings;
  settings.relative_tolerance = settings.absolute_tolerance = 1e-28;
  settings.epsilon_of_scalar = DoubleDouble::kEpsilon;
  BulirschStoer<DoubleDouble, HarmonicOscillator<DoubleDouble>> integrator(system, settings);
  std::vector<DoubleDouble> y{1.0, 0.0};
  DoubleDouble t = 0.0;
  integrator.advance(t, y, DoubleDouble(2.0));
  EXPECT_EQ(t, DoubleDouble(2.0));
  ScopedMpPrecision precision(200);
  MpReal exact;
  mpfr_cos(exact.get(), MpReal(2.0).get(), MPFR_RNDN);
  MpReal error = to_mp(y[0]);
  error -= exact;
  EXPECT_LT(std::abs(error.to_double()), 1e-26);
}

TEST(DoubleDouble, KeplerOrbitReturnsToItsStartAfterOnePeriod) {
  // As NBodyIntegration.KeplerOrbitReturnsToItsStartAfterOnePeriod, in double-double.
  const double m1 = 1.0, m2 = 0.5, a = 1.0, e = 0.5, total = m1 + m2;
  const double r = a * (1 - e);
  const double v = std::sqrt(total * (1 + e) / r);
  const double period = 2 * std::numbers::pi * std::sqrt(a * a * a / total);
  NBodyProblem problem;
  problem.masses = {m1, m2};
  problem.initial_state = {-m2 / total * r, 0, m1 / total * r, 0, 0,
                           -m2 / total * v, 0, m1 / total * v};
  OutputGrid grid;
  grid.dt = period / 64;
  grid.rows = 65;
  const Trajectory orbit = integrate_nbody(problem, grid, {1e-18, Precision::kDoubleDoubleBits});
  ASSERT_TRUE(orbit.completed) << orbit.failure;
  double worst = 0;
  for (int i = 0; i < 8; ++i) {
    worst = std::max(worst, std::abs(orbit.row(64)[i] - problem.initial_state[i]));
  }
  // The period is rounded to double, so the orbit can only close to ~1e-16.
  EXPECT_LT(worst, 1e-12);
  // Conservation follows the tolerance (1e-18), far below what double arithmetic can show.
  EXPECT_LT(orbit.max_relative_energy_error, 1e-16);
  EXPECT_LT(orbit.max_angular_momentum_drift, 1e-16);
}

NBodyProblem easy_breen_problem() {
  NBodyProblem problem;
  problem.masses = {1, 1, 1};
  problem.initial_state = {1, 0, -0.2, 0.3, -0.8, -0.3, 0, 0, 0, 0, 0, 0};
  return problem;
}

TEST(DoubleDouble, AgreesWithMpfrAndConservesEnergyFarBetterThanDouble) {
  const OutputGrid grid = OutputGrid::covering(0.5, 1.0 / 64);
  const Trajectory in_double = integrate_nbody(easy_breen_problem(), grid, {1e-13, 53});
  const Trajectory in_dd =
      integrate_nbody(easy_breen_problem(), grid, {1e-18, Precision::kDoubleDoubleBits});
  const Trajectory in_mpfr = integrate_nbody(easy_breen_problem(), grid, {1e-24, 128});
  ASSERT_TRUE(in_double.completed && in_dd.completed && in_mpfr.completed);
  double worst = 0;
  for (int k = 0; k < grid.rows; ++k) {
    for (int i = 0; i < 12; ++i) {
      worst = std::max(worst, std::abs(in_dd.row(k)[i] - in_mpfr.row(k)[i]));
    }
  }
  EXPECT_LT(worst, 1e-15);  // the outputs are doubles: agreement to their last bits
  // Measured: 5.7e-20 (tol 1e-18) against 5.1e-15 in double at tol 1e-13.
  EXPECT_LT(in_dd.max_relative_energy_error, 1e-18);
  EXPECT_LT(in_dd.max_relative_energy_error, 1e-4 * in_double.max_relative_energy_error);
}

}  // namespace
}  // namespace scidl::sci
