// The ODE problems of the sequence case (issue 22), each an OdeSystem with its parameters
// checked on construction: a projectile with air drag, the double pendulum, and the Lorenz
// system (the check on the Lyapunov estimator). SI units throughout; angles in radians inside,
// degrees at the command line.
#pragma once
#include <string>
#include <vector>

#include "scidl/sci/ode_system.h"

namespace scidl::sci {

// A point mass launched from the origin: state (x, y, vx, vy). Quadratic drag a = -k |v| v
// (k = ρ C_d A / 2m, per metre), or linear drag a = -k v (per second, the lecture's form);
// gravity -g along y. Stops nowhere by itself: sample_trajectory's ground event ends it.
struct ProjectileParameters {
  double speed = 500;     // m/s
  double angle_deg = 30;  // elevation
  double drag = 1e-4;     // k
  bool linear_drag = false;
  double g = 9.81;
  void validate() const;  // throws naming the parameter out of range
};

class Projectile : public OdeSystem {
 public:
  explicit Projectile(const ProjectileParameters& p);
  std::size_t dimension() const override { return 4; }
  void derivative(const double& t, const std::vector<double>& y,
                  std::vector<double>& dydt) override;
  std::vector<double> initial_state() const;
  static std::vector<std::string> state_names() { return {"x", "y", "vx", "vy"}; }

 private:
  ProjectileParameters p_;
};

// Two point masses on massless rods, the upper hung from the origin: state (θ1, ω1, θ2, ω2),
// angles from the downward vertical. Released at rest from (θ1, θ2).
struct DoublePendulumParameters {
  double m1 = 1, m2 = 1;  // kg
  double l1 = 1, l2 = 1;  // m
  double g = 9.81;
  void validate() const;
};

class DoublePendulum : public OdeSystem {
 public:
  explicit DoublePendulum(const DoublePendulumParameters& p);
  std::size_t dimension() const override { return 4; }
  void derivative(const double& t, const std::vector<double>& y,
                  std::vector<double>& dydt) override;
  static std::vector<double> at_rest(double theta1_deg, double theta2_deg);
  static std::vector<std::string> state_names() { return {"theta1", "omega1", "theta2", "omega2"}; }
  // The bobs' positions (x1, y1, x2, y2), y up, and the total energy (conserved: a check).
  std::vector<double> positions(const std::vector<double>& y) const;
  double energy(const std::vector<double>& y) const;

 private:
  DoublePendulumParameters p_;
};

struct LorenzParameters {
  double sigma = 10, rho = 28, beta = 8.0 / 3.0;
  void validate() const;
};

class Lorenz : public OdeSystem {
 public:
  explicit Lorenz(const LorenzParameters& p);
  std::size_t dimension() const override { return 3; }
  void derivative(const double& t, const std::vector<double>& y,
                  std::vector<double>& dydt) override;
  static std::vector<std::string> state_names() { return {"x", "y", "z"}; }

 private:
  LorenzParameters p_;
};

}  // namespace scidl::sci
