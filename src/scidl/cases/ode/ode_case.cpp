#include "scidl/cases/ode/ode_case.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <stdexcept>

namespace scidl::sci {

OdeProblem parse_ode_problem(const std::string& name) {
  if (name == "projectile") return OdeProblem::projectile;
  if (name == "double_pendulum") return OdeProblem::double_pendulum;
  if (name == "lorenz") return OdeProblem::lorenz;
  throw std::invalid_argument(
      fmt::format("unknown problem '{}': choose projectile, double_pendulum or lorenz", name));
}

const char* ode_problem_name(OdeProblem p) {
  switch (p) {
    case OdeProblem::projectile:
      return "projectile";
    case OdeProblem::double_pendulum:
      return "double_pendulum";
    case OdeProblem::lorenz:
      return "lorenz";
  }
  return "?";
}

std::unique_ptr<OdeSystem> make_system(const OdeSetup& s) {
  switch (s.problem) {
    case OdeProblem::projectile:
      return std::make_unique<Projectile>(s.projectile);
    case OdeProblem::double_pendulum:
      return std::make_unique<DoublePendulum>(s.pendulum);
    case OdeProblem::lorenz:
      return std::make_unique<Lorenz>(s.lorenz);
  }
  throw std::logic_error("make_system: unknown problem");
}

std::vector<double> initial_state(const OdeSetup& s) {
  switch (s.problem) {
    case OdeProblem::projectile:
      return Projectile(s.projectile).initial_state();
    case OdeProblem::double_pendulum: {
      for (double a : {s.theta1_deg, s.theta2_deg})
        if (!std::isfinite(a))
          throw std::invalid_argument(
              fmt::format("double pendulum: release angle {} is not finite", a));
      return DoublePendulum::at_rest(s.theta1_deg, s.theta2_deg);
    }
    case OdeProblem::lorenz:
      if (s.lorenz_start.size() != 3)
        throw std::invalid_argument(fmt::format(
            "lorenz: the start needs 3 values (x, y, z), got {}", s.lorenz_start.size()));
      return s.lorenz_start;
  }
  throw std::logic_error("initial_state: unknown problem");
}

std::string describe_initial_condition(const OdeSetup& s) {
  switch (s.problem) {
    case OdeProblem::projectile:
      return fmt::format("speed {:g} m/s, angle {:g} deg", s.projectile.speed,
                         s.projectile.angle_deg);
    case OdeProblem::double_pendulum:
      return fmt::format("theta1 {:g} deg, theta2 {:g} deg", s.theta1_deg, s.theta2_deg);
    case OdeProblem::lorenz:
      return fmt::format("start ({:g})", fmt::join(s.lorenz_start, ", "));
  }
  return "";
}

double default_dt(OdeProblem p) {
  return p == OdeProblem::projectile ? 0.25 : p == OdeProblem::double_pendulum ? 0.05 : 0.01;
}

double default_duration(OdeProblem p) {
  return p == OdeProblem::projectile ? 1000 : p == OdeProblem::double_pendulum ? 20 : 50;
}

std::vector<std::string> table_columns(OdeProblem p) {
  switch (p) {
    case OdeProblem::projectile:
      return Projectile::state_names();
    case OdeProblem::double_pendulum: {
      auto names = DoublePendulum::state_names();
      for (const char* n : {"x1", "y1", "x2", "y2"}) names.emplace_back(n);
      return names;
    }
    case OdeProblem::lorenz:
      return Lorenz::state_names();
  }
  return {};
}

std::size_t OdeTable::column(const std::string& name) const {
  for (std::size_t i = 0; i < columns.size(); ++i)
    if (columns[i] == name) return i;
  throw std::invalid_argument(fmt::format("no column '{}' in this problem's table (columns: {})",
                                          name, fmt::join(columns, ", ")));
}

OdeTable simulate(const OdeSetup& s, const TrajectorySettings& settings) {
  auto system = make_system(s);
  EventFunction ground;
  if (s.problem == OdeProblem::projectile)
    ground = [](double, const std::vector<double>& y) { return y[1]; };
  const auto path = sample_trajectory(*system, initial_state(s), settings, ground);
  OdeTable t;
  t.columns = table_columns(s.problem);
  t.times = path.times;
  t.stats = path.stats;
  t.values.reserve(path.rows() * t.columns.size());
  const auto* pendulum = dynamic_cast<const DoublePendulum*>(system.get());
  for (std::size_t i = 0; i < path.rows(); ++i) {
    const double* row = path.row(i);
    t.values.insert(t.values.end(), row, row + path.dimension);
    if (pendulum) {
      const auto xy = pendulum->positions(std::vector<double>(row, row + path.dimension));
      t.values.insert(t.values.end(), xy.begin(), xy.end());
    }
  }
  if (path.event_hit) {
    t.landed = true;
    t.landing_time = path.event_time;
    t.landing_x = path.event_state[0];
  }
  return t;
}

}  // namespace scidl::sci
