// Benettin's largest Lyapunov exponent: exact on a linear system, Lorenz's λ1 ≈ 0.906, zero for
// a pendulum's regular motion, and bad settings refused.
#include <gtest/gtest.h>

#include <cmath>

#include "scidl/sci/lyapunov.h"
#include "scidl/sci/ode_problems.h"

namespace scidl::sci {
namespace {

struct Saddle : OdeSystem {  // x' = 0.5 x, y' = -2 y: λ1 = 0.5
  std::size_t dimension() const override { return 2; }
  void derivative(const double&, const std::vector<double>& y, std::vector<double>& d) override {
    d[0] = 0.5 * y[0];
    d[1] = -2 * y[1];
  }
};

TEST(Lyapunov, LinearSaddleGivesItsUnstableRate) {
  Saddle system;
  LyapunovSettings s;
  s.transient = 5;
  s.duration = 20;
  const auto est = largest_lyapunov_exponent(system, {1e-3, 1}, s);
  EXPECT_NEAR(est.exponent, 0.5, 1e-6);
  EXPECT_EQ(est.renormalisations, 20);
}

TEST(Lyapunov, LorenzLargestExponentIsWithinTwoPercentOf0906) {
  Lorenz system({});
  LyapunovSettings s;  // defaults: transient 50, 500 time units counted, τ = 1, d0 = 1e-8
  const auto est = largest_lyapunov_exponent(system, {1, 1, 1}, s);
  EXPECT_NEAR(est.exponent, 0.9056, 0.02 * 0.9056);
  EXPECT_EQ(est.times.size(), est.running.size());
}

TEST(Lyapunov, SmallSwingsOfTheDoublePendulumAreRegular) {
  DoublePendulum system({});
  LyapunovSettings s;
  s.transient = 10;
  s.duration = 200;
  const auto regular = largest_lyapunov_exponent(system, DoublePendulum::at_rest(-20, 35), s);
  const auto chaotic = largest_lyapunov_exponent(system, DoublePendulum::at_rest(-50, 140), s);
  EXPECT_LT(regular.exponent, 0.1);  // tends to 0 as 1/t for regular (quasi-periodic) motion
  EXPECT_GT(chaotic.exponent, 0.5);
}

TEST(Lyapunov, BadSettingsAreRefused) {
  Lorenz system({});
  LyapunovSettings s;
  s.separation = 0.5;
  EXPECT_THROW(largest_lyapunov_exponent(system, {1, 1, 1}, s), std::invalid_argument);
  s = {};
  s.duration = -1;
  EXPECT_THROW(largest_lyapunov_exponent(system, {1, 1, 1}, s), std::invalid_argument);
  s = {};
  EXPECT_THROW(largest_lyapunov_exponent(system, {1, 1}, s), std::invalid_argument);
}

}  // namespace
}  // namespace scidl::sci
