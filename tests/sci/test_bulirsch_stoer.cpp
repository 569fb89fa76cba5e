// Bulirsch–Stoer on ODEs with known solutions, in double and in MPFR.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "scidl/sci/bulirsch_stoer.h"
#include "scidl/sci/mp_real.h"

namespace scidl::sci {
namespace {

// y'' = -y as a first-order system: y = (position, velocity).
template <class Scalar>
struct HarmonicOscillator {
  int evaluations = 0;
  std::size_t dimension() const { return 2; }
  void derivative(const Scalar&, const std::vector<Scalar>& y, std::vector<Scalar>& dydt) {
    ++evaluations;
    dydt[0] = y[1];
    dydt[1] = y[0];
    dydt[1] *= -1.0;
  }
};

TEST(BulirschStoer, HarmonicOscillatorMatchesCosineAndSineToTolerance) {
  HarmonicOscillator<double> system;
  BulirschStoerSettings settings;
  settings.relative_tolerance = settings.absolute_tolerance = 1e-12;
  BulirschStoer<double, HarmonicOscillator<double>> integrator(system, settings);
  std::vector<double> y{1.0, 0.0};
  double t = 0;
  for (int k = 1; k <= 100; ++k) {
    integrator.advance(t, y, 0.1 * k);
    ASSERT_EQ(t, 0.1 * k) << "advance must land exactly on the requested time";
    EXPECT_NEAR(y[0], std::cos(t), 1e-11);
    EXPECT_NEAR(y[1], -std::sin(t), 1e-11);
  }
  EXPECT_GT(integrator.stats().accepted_steps, 0);
}

TEST(BulirschStoer, UsesLongStepsWhenTheOutputGridAllowsIt) {
  HarmonicOscillator<double> system;
  BulirschStoerSettings settings;
  settings.relative_tolerance = settings.absolute_tolerance = 1e-10;
  BulirschStoer<double, HarmonicOscillator<double>> integrator(system, settings);
  std::vector<double> y{1.0, 0.0};
  double t = 0;
  integrator.advance(t, y, 20.0);
  EXPECT_NEAR(y[0], std::cos(20.0), 1e-9);
  // High order means few steps: far fewer than a fixed-order method would need.
  EXPECT_LT(integrator.stats().accepted_steps, 60);
}

TEST(BulirschStoer, MultiprecisionReachesErrorsFarBelowDoubleRoundoff) {
  ScopedMpPrecision precision(160);
  HarmonicOscillator<MpReal> system;
  BulirschStoerSettings settings;
  settings.relative_tolerance = settings.absolute_tolerance = 1e-30;
  settings.epsilon_of_scalar = std::ldexp(1.0, -159);
  BulirschStoer<MpReal, HarmonicOscillator<MpReal>> integrator(system, settings);
  std::vector<MpReal> y{MpReal(1.0), MpReal(0.0)};
  MpReal t = 0.0;
  integrator.advance(t, y, MpReal(2.0));
  // cos(2) to 40 digits: compare in MPFR, not in double.
  MpReal exact;
  mpfr_cos(exact.get(), MpReal(2.0).get(), MPFR_RNDN);
  const double error = std::abs((y[0] - exact).to_double());
  EXPECT_LT(error, 1e-27);
  EXPECT_EQ(y[0].precision_bits(), 160);
}

}  // namespace
}  // namespace scidl::sci
