#include "scidl/cases/ode/chaos_map.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "scidl/cases/ode/rollout_report.h"
#include "scidl/data/csv.h"
#include "scidl/io/plot_figure.h"

namespace scidl::sci {

std::vector<ChaosCell> chaos_map(WindowModel& model, const ChaosMapSettings& s,
                                 const MapProgress& progress) {
  if (s.theta1_deg.empty() || s.theta2_deg.empty())
    throw std::invalid_argument("chaos map: give at least one release angle on each axis");
  if (!(s.distance > 0))
    throw std::invalid_argument(
        fmt::format("chaos map: the departure distance must be positive, got {}", s.distance));
  s.lyapunov.validate();
  std::vector<OdeSetup> setups;
  for (double t2 : s.theta2_deg)
    for (double t1 : s.theta1_deg) {
      OdeSetup setup;
      setup.problem = OdeProblem::double_pendulum;
      setup.pendulum = s.pendulum;
      setup.theta1_deg = t1;
      setup.theta2_deg = t2;
      setups.push_back(setup);
    }
  const auto n = static_cast<int64_t>(setups.size());
  std::vector<ChaosCell> cells(setups.size());
  std::exception_ptr failure;
  // Each release's Lyapunov exponent is independent of the others: one per thread.
#pragma omp parallel for schedule(dynamic)
  for (int64_t i = 0; i < n; ++i) {
    try {
      const auto& setup = setups[static_cast<std::size_t>(i)];
      auto system = make_system(setup);
      auto& cell = cells[static_cast<std::size_t>(i)];
      cell.theta1 = setup.theta1_deg;
      cell.theta2 = setup.theta2_deg;
      cell.lyapunov_exponent =
          largest_lyapunov_exponent(*system, initial_state(setup), s.lyapunov).exponent;
    } catch (...) {
#pragma omp critical
      failure = std::current_exception();
    }
    if (progress) {
#pragma omp critical
      progress();
    }
  }
  if (failure) std::rethrow_exception(failure);
  // The network's roll-outs against the integrator, all releases in one batch.
  const auto runs = run_rollouts(model, setups, s.trajectory, s.distance);
  for (std::size_t i = 0; i < cells.size(); ++i) {
    if (std::isnan(runs[i].departure))
      throw std::invalid_argument(fmt::format(
          "'{}' does not predict the lower bob's position (columns x2 and y2); the chaos map "
          "measures where it departs",
          model.path.string()));
    cells[i].departure_time = runs[i].departure;
  }
  return cells;
}

std::vector<std::filesystem::path> write_chaos_map(const std::filesystem::path& dir,
                                                   const std::vector<ChaosCell>& cells,
                                                   const ChaosMapSettings& s) {
  std::filesystem::create_directories(dir);
  std::vector<double> rows;
  for (const auto& c : cells)
    rows.insert(rows.end(), {c.theta1, c.theta2, c.lyapunov_exponent,
                             c.lyapunov_exponent > 0 ? 1 / c.lyapunov_exponent
                                                     : std::numeric_limits<double>::infinity(),
                             c.departure_time, c.departure_in_lyapunov_times()});
  const auto csv = dir / "chaos_map.csv";
  data::write_csv(csv,
                  {"theta1_deg", "theta2_deg", "lyapunov_exponent_per_s", "lyapunov_time_s",
                   "departure_time_s", "departure_in_lyapunov_times"},
                  static_cast<int64_t>(cells.size()), 6, rows.data());
  auto spacing = [](const std::vector<double>& axis) {
    if (axis.size() < 2) return 1.0;
    double d = INFINITY;
    for (std::size_t i = 1; i < axis.size(); ++i) d = std::min(d, std::abs(axis[i] - axis[i - 1]));
    return d > 0 ? d : 1.0;
  };
  const double horizon = s.trajectory.t_end;
  auto panel = [&](const std::string& title, const std::string& label, auto value) {
    io::FigureSeries map;
    map.label = label;
    map.style = io::MarkStyle::Cells;
    map.cell_width = spacing(s.theta1_deg);
    map.cell_height = spacing(s.theta2_deg);
    for (const auto& c : cells) {
      map.x.push_back(c.theta1);
      map.y.push_back(c.theta2);
      map.values.push_back(value(c));
    }
    return io::FigurePanel{title, "theta1 (deg)", "theta2 (deg)", {map}, false};
  };
  io::Figure f;
  f.title = fmt::format("Double pendulum released at rest: where the network departs by {:g} m",
                        s.distance);
  f.columns = 3;
  f.panel_width = 520;  // each map with its colour bar
  f.panels = {panel("largest Lyapunov exponent", "lambda1 (1/s)",
                    [](const ChaosCell& c) { return c.lyapunov_exponent; }),
              panel(fmt::format("network departs (s; {:g} = never)", horizon), "departure (s)",
                    [&](const ChaosCell& c) { return std::min(c.departure_time, horizon); }),
              panel("departure in Lyapunov times", "t * lambda1", [&](const ChaosCell& c) {
                return std::min(c.departure_time, horizon) * c.lyapunov_exponent;
              })};
  auto files = io::write_figure(dir / "chaos_map", f);
  files.insert(files.begin(), csv);
  return files;
}

}  // namespace scidl::sci
