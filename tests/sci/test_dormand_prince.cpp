// Dormand–Prince 5(4) and DOP853 on problems with known solutions, their dense output, their
// failures, and against the Bulirsch–Stoer integrator of the three-body case.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "scidl/sci/bulirsch_stoer.h"
#include "scidl/sci/dormand_prince.h"
#include "scidl/sci/nbody.h"
#include "scidl/sci/ode_problems.h"

namespace scidl::sci {
namespace {

struct Oscillator : OdeSystem {  // y'' = -y
  std::size_t dimension() const override { return 2; }
  void derivative(const double&, const std::vector<double>& y, std::vector<double>& d) override {
    d[0] = y[1];
    d[1] = -y[0];
  }
};

struct BlowUp : OdeSystem {  // y' = y², y(0) = 1: y = 1 / (1 - t), infinite at t = 1
  std::size_t dimension() const override { return 1; }
  void derivative(const double&, const std::vector<double>& y, std::vector<double>& d) override {
    d[0] = y[0] * y[0];
  }
};

class BothMethods : public ::testing::TestWithParam<RungeKuttaMethod> {};

TEST_P(BothMethods, OscillatorMatchesCosineAndLandsOnEachTime) {
  Oscillator system;
  DormandPrinceSettings s{1e-10, 1e-12};
  DormandPrince rk(system, GetParam(), s, 0.0, {1.0, 0.0});
  for (int k = 1; k <= 100; ++k) {
    rk.advance(0.2 * k);
    ASSERT_EQ(rk.t(), 0.2 * k);
    EXPECT_NEAR(rk.y()[0], std::cos(rk.t()), 2e-9);
    EXPECT_NEAR(rk.y()[1], -std::sin(rk.t()), 2e-9);
  }
}

TEST_P(BothMethods, ErrorFallsWithTheTolerance) {
  double previous = 1;
  for (double tol : {1e-4, 1e-7, 1e-10}) {
    Oscillator system;
    DormandPrince rk(system, GetParam(), {tol, tol}, 0.0, {1.0, 0.0});
    rk.advance(10.0);
    const double error = std::hypot(rk.y()[0] - std::cos(10.0), rk.y()[1] + std::sin(10.0));
    EXPECT_LT(error, previous / 10) << "tolerance " << tol;
    EXPECT_LT(error, 1000 * tol);
    previous = error;
  }
}

TEST_P(BothMethods, DenseOutputInsideEachStepIsAccurate) {
  Oscillator system;
  DormandPrince rk(system, GetParam(), {1e-9, 1e-9}, 0.0, {1.0, 0.0});
  std::vector<double> y;
  double worst = 0;
  while (rk.t() < 20) {
    rk.step();
    for (double f : {0.1, 0.37, 0.5, 0.83}) {
      const double s = rk.previous_t() + f * (rk.t() - rk.previous_t());
      rk.dense(s, y);
      worst = std::max(worst, std::abs(y[0] - std::cos(s)));
    }
    rk.dense(rk.t(), y);
    EXPECT_NEAR(y[0], rk.y()[0], 1e-14);  // the interpolant ends on the step's solution
  }
  EXPECT_LT(worst, 1e-7);
}

INSTANTIATE_TEST_SUITE_P(DormandPrince, BothMethods,
                         ::testing::Values(RungeKuttaMethod::dopri5, RungeKuttaMethod::dop853),
                         [](const auto& info) { return std::string(method_name(info.param)); });

TEST(DormandPrince, Dop853TakesFarFewerStepsThanDopri5AtTightTolerance) {
  Oscillator a, b;
  DormandPrince five(a, RungeKuttaMethod::dopri5, {1e-12, 1e-12}, 0.0, {1.0, 0.0});
  DormandPrince eight(b, RungeKuttaMethod::dop853, {1e-12, 1e-12}, 0.0, {1.0, 0.0});
  five.advance(20);
  eight.advance(20);
  EXPECT_LT(eight.stats().accepted_steps * 4, five.stats().accepted_steps);
}

TEST(DormandPrince, ABlowUpFailsNamingTheTimeAndSuggestingATolerance) {
  BlowUp system;
  DormandPrince rk(system, RungeKuttaMethod::dopri5, {1e-8, 1e-8}, 0.0, {1.0});
  try {
    rk.advance(2.0);
    FAIL() << "integrated through a singularity";
  } catch (const IntegrationFailure& e) {
    const std::string what = e.what();
    const auto at = what.find("dopri5 at t = ");
    ASSERT_NE(at, std::string::npos) << what;
    EXPECT_NEAR(std::stod(what.substr(at + 14)), 1.0, 1e-6) << what;  // the singularity's time
    EXPECT_NE(what.find("tolerance"), std::string::npos) << what;
  }
}

TEST(DormandPrince, BadSettingsAreRefused) {
  Oscillator system;
  EXPECT_THROW(DormandPrince(system, RungeKuttaMethod::dop853, {0, 1e-9}, 0.0, {1, 0}),
               std::invalid_argument);
  EXPECT_THROW(DormandPrince(system, RungeKuttaMethod::dop853, {1e-16, 1e-9}, 0.0, {1, 0}),
               std::invalid_argument);  // below double precision: dop853.f refuses it too
  EXPECT_THROW(DormandPrince(system, RungeKuttaMethod::dop853, {}, 0.0, {1}),
               std::invalid_argument);
  EXPECT_THROW(DormandPrince(system, RungeKuttaMethod::dop853, {}, 0.0, {NAN, 0}),
               std::invalid_argument);
  EXPECT_THROW(parse_runge_kutta_method("rk45"), std::invalid_argument);
}

// The double pendulum (a chaotic release) and the three-body problem agree with Bulirsch–Stoer.
TEST(DormandPrince, AgreesWithBulirschStoerOnTheDoublePendulum) {
  DoublePendulum a({}), b({});
  const auto y0 = DoublePendulum::at_rest(-50, 140);
  DormandPrince rk(a, RungeKuttaMethod::dop853, {1e-13, 1e-13}, 0.0, y0);
  rk.advance(5.0);
  BulirschStoer<double, DoublePendulum> bs(b, {1e-13, 1e-13});
  double t = 0;
  std::vector<double> y = y0;
  bs.advance(t, y, 5.0);
  for (int i = 0; i < 4; ++i) EXPECT_NEAR(rk.y()[i], y[i], 1e-7) << i;
}

TEST(DormandPrince, AgreesWithBulirschStoerOnThreeBodies) {
  struct Bodies : OdeSystem {
    PlanarNBody<double> inner{{1.0, 1.0, 1.0}};
    std::size_t dimension() const override { return inner.dimension(); }
    void derivative(const double& t, const std::vector<double>& y,
                    std::vector<double>& d) override {
      inner.derivative(t, y, d);
    }
  } a;
  PlanarNBody<double> b({1.0, 1.0, 1.0});
  // Three equal masses released at rest from a scalene triangle.
  const std::vector<double> y0{1, 0, -0.5, 0.3, -0.2, -0.6, 0, 0, 0, 0, 0, 0};
  DormandPrince rk(a, RungeKuttaMethod::dop853, {1e-13, 1e-13}, 0.0, y0);
  rk.advance(0.8);
  BulirschStoer<double, PlanarNBody<double>> bs(b, {1e-13, 1e-13});
  double t = 0;
  std::vector<double> y = y0;
  bs.advance(t, y, 0.8);
  for (std::size_t i = 0; i < y.size(); ++i) EXPECT_NEAR(rk.y()[i], y[i], 1e-8) << i;
}

}  // namespace
}  // namespace scidl::sci
