// The sequence case's ODE problems: known solutions, conserved energy, the ground event, the
// sampled grid, and parameters out of range.
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include "scidl/sci/ode_problems.h"
#include "scidl/sci/trajectory.h"

namespace scidl::sci {
namespace {

const EventFunction kGround = [](double, const std::vector<double>& y) { return y[1]; };

TEST(Projectile, WithoutDragLandsWhereTheParabolaDoes) {
  ProjectileParameters p;
  p.drag = 0;
  p.speed = 100;
  p.angle_deg = 30;
  Projectile system(p);
  TrajectorySettings s;
  s.dt = 0.25;
  s.t_end = 100;
  const auto path = sample_trajectory(system, system.initial_state(), s, kGround);
  ASSERT_TRUE(path.event_hit);
  const double flight = 2 * 100 * std::sin(std::numbers::pi / 6) / 9.81;
  EXPECT_NEAR(path.event_time, flight, 1e-9);
  EXPECT_NEAR(path.event_state[0], 100 * 100 * std::sin(std::numbers::pi / 3) / 9.81, 1e-7);
  EXPECT_NEAR(path.event_state[1], 0, 1e-9);
  EXPECT_EQ(path.rows(), static_cast<std::size_t>(std::floor(flight / 0.25)) + 1);
  for (std::size_t i = 0; i < path.rows(); ++i) {  // every grid point on the parabola
    const double t = path.times[i];
    EXPECT_DOUBLE_EQ(t, 0.25 * static_cast<double>(i));
    EXPECT_NEAR(path.row(i)[1], 50 * t - 0.5 * 9.81 * t * t, 1e-8);
  }
}

TEST(Projectile, LinearDragMatchesItsClosedForm) {
  ProjectileParameters p;
  p.linear_drag = true;
  p.drag = 0.3;
  p.speed = 50;
  p.angle_deg = 45;
  Projectile system(p);
  TrajectorySettings s;
  s.dt = 0.1;
  s.t_end = 50;
  const auto path = sample_trajectory(system, system.initial_state(), s, kGround);
  ASSERT_TRUE(path.event_hit);
  const double k = 0.3, g = 9.81, v = 50 / std::sqrt(2.0);
  for (std::size_t i = 0; i < path.rows(); ++i) {
    const double t = path.times[i], decay = 1 - std::exp(-k * t);
    EXPECT_NEAR(path.row(i)[0], v / k * decay, 1e-7);
    EXPECT_NEAR(path.row(i)[1], (v + g / k) / k * decay - g * t / k, 1e-7);
  }
}

TEST(Projectile, QuadraticDragShortensTheFlight) {
  ProjectileParameters p;  // the lecture's 500 m/s at 30 degrees
  Projectile vacuum_free(p);
  p.drag = 0;
  Projectile vacuum(p);
  TrajectorySettings s;
  s.dt = 0.1;
  s.t_end = 1000;
  const auto air = sample_trajectory(vacuum_free, vacuum_free.initial_state(), s, kGround);
  const auto none = sample_trajectory(vacuum, vacuum.initial_state(), s, kGround);
  ASSERT_TRUE(air.event_hit && none.event_hit);
  EXPECT_LT(air.event_state[0], 0.5 * none.event_state[0]);
  // Descending steeper than it rose: the drag's asymmetry.
  EXPECT_LT(air.event_state[3] / air.event_state[2], -std::tan(std::numbers::pi / 6));
}

TEST(Projectile, ParametersOutOfRangeAreNamed) {
  ProjectileParameters p;
  p.drag = -1;
  EXPECT_THROW(
      {
        try {
          Projectile bad(p);
        } catch (const std::invalid_argument& e) {
          EXPECT_NE(std::string(e.what()).find("drag = -1"), std::string::npos) << e.what();
          throw;
        }
      },
      std::invalid_argument);
  p = {};
  p.angle_deg = 0;
  EXPECT_THROW(Projectile{p}, std::invalid_argument);
  p = {};
  p.speed = NAN;
  EXPECT_THROW(Projectile{p}, std::invalid_argument);
}

TEST(DoublePendulum, ConservesEnergyOnAChaoticRelease) {
  DoublePendulumParameters p;
  p.m1 = 1.5;
  p.l2 = 0.7;
  DoublePendulum system(p);
  const auto y0 = DoublePendulum::at_rest(-50, 140);
  TrajectorySettings s;
  s.dt = 0.05;
  s.t_end = 30;
  s.integrator = {1e-11, 1e-12};
  const auto path = sample_trajectory(system, y0, s);
  EXPECT_FALSE(path.event_hit);
  ASSERT_EQ(path.rows(), 601u);
  const double e0 = system.energy(y0);
  for (std::size_t i = 0; i < path.rows(); ++i) {
    const std::vector<double> y(path.row(i), path.row(i) + 4);
    EXPECT_NEAR(system.energy(y), e0, 1e-7 * std::abs(e0)) << "t = " << path.times[i];
  }
}

TEST(DoublePendulum, SmallAnglesSwingAtTheNormalModeFrequencies) {
  // Equal masses and lengths: ω² = (2 ∓ √2) g / l; released along the slow mode (θ2 = √2 θ1) it
  // stays there, so θ1 returns after one period 2π/ω.
  DoublePendulum system({});
  const double w = std::sqrt((2 - std::sqrt(2.0)) * 9.81), period = 2 * std::numbers::pi / w;
  DormandPrince rk(system, RungeKuttaMethod::dop853, {1e-12, 1e-14}, 0.0,
                   DoublePendulum::at_rest(0.01, 0.01 * std::sqrt(2.0)));
  rk.advance(period);
  EXPECT_NEAR(rk.y()[0], 0.01 * std::numbers::pi / 180, 1e-8);
}

TEST(DoublePendulum, PositionsPutTheLowerBobBelowAtRest) {
  DoublePendulumParameters p;
  p.l1 = 2;
  p.l2 = 0.5;
  DoublePendulum system(p);
  const auto xy = system.positions(DoublePendulum::at_rest(0, 90));
  EXPECT_NEAR(xy[0], 0, 1e-15);
  EXPECT_NEAR(xy[1], -2, 1e-15);
  EXPECT_NEAR(xy[2], 0.5, 1e-15);
  EXPECT_NEAR(xy[3], -2, 1e-15);
}

TEST(DoublePendulum, NegativeMassOrLengthIsRefused) {
  DoublePendulumParameters p;
  p.m2 = -1;
  EXPECT_THROW(DoublePendulum{p}, std::invalid_argument);
  p = {};
  p.l1 = 0;
  EXPECT_THROW(DoublePendulum{p}, std::invalid_argument);
}

TEST(Trajectory, BadGridIsRefused) {
  Lorenz system({});
  TrajectorySettings s;
  s.dt = 0;
  EXPECT_THROW(sample_trajectory(system, {1, 1, 1}, s), std::invalid_argument);
  s.dt = 1e-12;
  s.t_end = 1e6;
  EXPECT_THROW(sample_trajectory(system, {1, 1, 1}, s), std::invalid_argument);
}

}  // namespace
}  // namespace scidl::sci
