#include "scidl/sci/ode_problems.h"

#include <fmt/format.h>

#include <cmath>
#include <numbers>
#include <stdexcept>

namespace scidl::sci {

namespace {
void require(bool ok, const char* problem, const char* name, double value, const char* rule) {
  if (!ok) throw std::invalid_argument(fmt::format("{}: {} = {} {}", problem, name, value, rule));
}
constexpr double kDegree = std::numbers::pi / 180;
}  // namespace

void ProjectileParameters::validate() const {
  require(std::isfinite(speed) && speed > 0, "projectile", "speed", speed, "must be positive");
  require(std::isfinite(angle_deg) && angle_deg > 0 && angle_deg < 180, "projectile", "angle",
          angle_deg, "must lie between 0 and 180 degrees (it must leave the ground)");
  require(std::isfinite(drag) && drag >= 0, "projectile", "drag", drag, "must be zero or positive");
  require(std::isfinite(g) && g > 0, "projectile", "g", g, "must be positive");
}

Projectile::Projectile(const ProjectileParameters& p) : p_(p) { p.validate(); }

std::vector<double> Projectile::initial_state() const {
  const double a = p_.angle_deg * kDegree;
  return {0, 0, p_.speed * std::cos(a), p_.speed * std::sin(a)};
}

void Projectile::derivative(const double&, const std::vector<double>& s, std::vector<double>& d) {
  const double vx = s[2], vy = s[3];
  const double k = p_.linear_drag ? p_.drag : p_.drag * std::hypot(vx, vy);
  d[0] = vx;
  d[1] = vy;
  d[2] = -k * vx;
  d[3] = -p_.g - k * vy;
}

void DoublePendulumParameters::validate() const {
  require(std::isfinite(m1) && m1 > 0, "double pendulum", "m1", m1, "must be positive");
  require(std::isfinite(m2) && m2 > 0, "double pendulum", "m2", m2, "must be positive");
  require(std::isfinite(l1) && l1 > 0, "double pendulum", "l1", l1, "must be positive");
  require(std::isfinite(l2) && l2 > 0, "double pendulum", "l2", l2, "must be positive");
  require(std::isfinite(g) && g > 0, "double pendulum", "g", g, "must be positive");
}

DoublePendulum::DoublePendulum(const DoublePendulumParameters& p) : p_(p) { p.validate(); }

std::vector<double> DoublePendulum::at_rest(double theta1_deg, double theta2_deg) {
  return {theta1_deg * kDegree, 0, theta2_deg * kDegree, 0};
}

// Lagrange's equations solved for the angular accelerations (with δ = θ2 - θ1).
void DoublePendulum::derivative(const double&, const std::vector<double>& s,
                                std::vector<double>& d) {
  const double m1 = p_.m1, m2 = p_.m2, l1 = p_.l1, l2 = p_.l2, g = p_.g;
  const double th1 = s[0], w1 = s[1], th2 = s[2], w2 = s[3];
  const double delta = th2 - th1, sd = std::sin(delta), cd = std::cos(delta);
  const double den1 = (m1 + m2) * l1 - m2 * l1 * cd * cd;
  const double den2 = (l2 / l1) * den1;
  d[0] = w1;
  d[1] = (m2 * l1 * w1 * w1 * sd * cd + m2 * g * std::sin(th2) * cd + m2 * l2 * w2 * w2 * sd -
          (m1 + m2) * g * std::sin(th1)) /
         den1;
  d[2] = w2;
  d[3] = (-m2 * l2 * w2 * w2 * sd * cd +
          (m1 + m2) * (g * std::sin(th1) * cd - l1 * w1 * w1 * sd - g * std::sin(th2))) /
         den2;
}

std::vector<double> DoublePendulum::positions(const std::vector<double>& s) const {
  const double x1 = p_.l1 * std::sin(s[0]), y1 = -p_.l1 * std::cos(s[0]);
  return {x1, y1, x1 + p_.l2 * std::sin(s[2]), y1 - p_.l2 * std::cos(s[2])};
}

double DoublePendulum::energy(const std::vector<double>& s) const {
  const double th1 = s[0], w1 = s[1], th2 = s[2], w2 = s[3];
  const double kinetic = 0.5 * p_.m1 * p_.l1 * p_.l1 * w1 * w1 +
                         0.5 * p_.m2 *
                             (p_.l1 * p_.l1 * w1 * w1 + p_.l2 * p_.l2 * w2 * w2 +
                              2 * p_.l1 * p_.l2 * w1 * w2 * std::cos(th1 - th2));
  const double potential =
      -(p_.m1 + p_.m2) * p_.g * p_.l1 * std::cos(th1) - p_.m2 * p_.g * p_.l2 * std::cos(th2);
  return kinetic + potential;
}

void LorenzParameters::validate() const {
  require(std::isfinite(sigma) && sigma > 0, "lorenz", "sigma", sigma, "must be positive");
  require(std::isfinite(rho) && rho > 0, "lorenz", "rho", rho, "must be positive");
  require(std::isfinite(beta) && beta > 0, "lorenz", "beta", beta, "must be positive");
}

Lorenz::Lorenz(const LorenzParameters& p) : p_(p) { p.validate(); }

void Lorenz::derivative(const double&, const std::vector<double>& s, std::vector<double>& d) {
  d[0] = p_.sigma * (s[1] - s[0]);
  d[1] = s[0] * (p_.rho - s[2]) - s[1];
  d[2] = s[0] * s[1] - p_.beta * s[2];
}

}  // namespace scidl::sci
