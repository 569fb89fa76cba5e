// The ODE-surrogate case (issue 22, after the first lecture's LSTM on a ball's flight and the
// double pendulum): one initial condition of one problem, simulated into a table of named
// columns on a uniform time grid, as `scidl ode generate` writes it and a roll-out compares with.
// Columns: the state, then for the double pendulum the bobs' positions x1, y1, x2, y2 (what the
// networks learn: smooth where the angles wrap). SI units; angles in degrees at this interface.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "scidl/sci/ode_problems.h"
#include "scidl/sci/trajectory.h"

namespace scidl::sci {

enum class OdeProblem { projectile, double_pendulum, lorenz };
OdeProblem parse_ode_problem(const std::string& name);  // throws naming the choices
const char* ode_problem_name(OdeProblem p);

struct OdeSetup {
  OdeProblem problem = OdeProblem::projectile;
  ProjectileParameters projectile;
  DoublePendulumParameters pendulum;
  double theta1_deg = -20, theta2_deg = 35;  // the pendulum's release, at rest
  LorenzParameters lorenz;
  std::vector<double> lorenz_start{1, 1, 1};
};

std::unique_ptr<OdeSystem> make_system(const OdeSetup& s);  // validates the parameters
std::vector<double> initial_state(const OdeSetup& s);
// "speed 500 m/s, angle 30 deg" / "theta1 -20 deg, theta2 35 deg" / "start (1, 1, 1)"
std::string describe_initial_condition(const OdeSetup& s);
// The default grid spacing and duration of each problem's trajectories.
double default_dt(OdeProblem p);
double default_duration(OdeProblem p);

struct OdeTable {
  std::vector<std::string> columns;  // state, then derived columns
  std::vector<double> times;
  std::vector<double> values;  // times.size() rows of columns.size()
  bool landed = false;         // projectile: reached the ground (its last row is before that)
  double landing_time = 0, landing_x = 0;
  DormandPrinceStats stats;
  std::size_t rows() const { return times.size(); }
  double at(std::size_t row, std::size_t column) const {
    return values[row * columns.size() + column];
  }
  std::size_t column(const std::string& name) const;  // throws naming the columns
};

std::vector<std::string> table_columns(OdeProblem p);
// The trajectory on a grid of dt to duration; the projectile stops at the ground.
OdeTable simulate(const OdeSetup& s, const TrajectorySettings& settings);

}  // namespace scidl::sci
