#include "scidl/cases/ode/rollout_report.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "scidl/data/csv.h"
#include "scidl/io/plot_figure.h"

namespace scidl::sci {

namespace {
std::size_t index_of(const std::vector<std::string>& names, const std::string& name) {
  const auto it = std::find(names.begin(), names.end(), name);
  return it == names.end() ? names.size() : static_cast<std::size_t>(it - names.begin());
}

// The two columns a path is drawn in: the projectile's (x, y), the lower bob's (x2, y2), or
// Lorenz's (x, z).
std::pair<std::string, std::string> drawn_columns(OdeProblem p) {
  if (p == OdeProblem::double_pendulum) return {"x2", "y2"};
  if (p == OdeProblem::lorenz) return {"x", "z"};
  return {"x", "y"};
}
}  // namespace

std::vector<RolloutRun> run_rollouts(WindowModel& model, const std::vector<OdeSetup>& setups,
                                     const TrajectorySettings& settings, double distance) {
  std::vector<RolloutRun> runs;
  std::vector<std::vector<double>> seeds;
  int64_t steps = 0;
  for (const auto& setup : setups) {
    RolloutRun run;
    run.setup = setup;
    run.truth = simulate(setup, settings);
    seeds.push_back(seed_rows(model, run.truth));
    const auto rest = static_cast<int64_t>(run.truth.rows()) - model.points;
    steps = std::max(steps, setup.problem == OdeProblem::projectile ? 3 * rest + 1 : rest);
    runs.push_back(std::move(run));
  }
  if (runs.empty()) return runs;
  const auto problem = setups[0].problem;
  const auto [xname, yname] = drawn_columns(problem);
  const std::size_t mx = index_of(model.columns, xname), my = index_of(model.columns, yname);
  RolloutStop stop;
  if (problem == OdeProblem::projectile && my < model.columns.size())
    stop = [my](std::size_t, const double* row) { return row[my] < 0; };  // it has landed
  auto predicted = roll_out(model, seeds, steps, stop);
  const std::size_t width = model.columns.size();
  for (std::size_t i = 0; i < runs.size(); ++i) {
    auto& run = runs[i];
    run.predicted = std::move(predicted[i]);
    if (problem != OdeProblem::projectile) {  // as long as the truth
      run.predicted.resize(
          std::min(run.predicted.size(), (run.truth.rows() - model.points) * width));
    }
    if (mx == width || my == width) continue;
    if (problem == OdeProblem::projectile) {
      run.true_landing = run.truth.landing_x;
      // The network's path from the last seed point on, so a landing right after it counts.
      const auto& seed = seeds[i];
      std::vector<double> path(seed.end() - static_cast<std::ptrdiff_t>(width), seed.end());
      path.insert(path.end(), run.predicted.begin(), run.predicted.end());
      run.predicted_landing = landing_x(path, width, mx, my);
    } else {
      run.departure = departure_time(run.truth, run.truth.column(xname), run.truth.column(yname),
                                     run.predicted, width, mx, my, model.points, distance);
    }
  }
  return runs;
}

std::string summarize(const RolloutRun& r) {
  const std::string ic = describe_initial_condition(r.setup);
  if (r.setup.problem == OdeProblem::projectile) {
    if (!std::isfinite(r.predicted_landing))
      return fmt::format("{}: lands at x = {:.1f} m; the network's path never comes down", ic,
                         r.true_landing);
    return fmt::format(
        "{}: lands at x = {:.1f} m, the network at {:.1f} m (error {:+.1f} m, "
        "{:+.2f}%)",
        ic, r.true_landing, r.predicted_landing, r.predicted_landing - r.true_landing,
        100 * (r.predicted_landing - r.true_landing) / r.true_landing);
  }
  if (std::isnan(r.departure)) return fmt::format("{}: rolled out {} points", ic, r.truth.rows());
  if (std::isinf(r.departure))
    return fmt::format("{}: the network follows the integrator for all {:g} s", ic,
                       r.truth.times.back());
  return fmt::format("{}: the network departs from the integrator after {:.2f} s", ic, r.departure);
}

std::vector<std::filesystem::path> write_rollouts(const std::filesystem::path& stem,
                                                  const std::vector<RolloutRun>& runs,
                                                  const WindowModel& model,
                                                  const std::string& title) {
  std::vector<std::filesystem::path> files;
  if (runs.empty()) return files;
  if (stem.has_parent_path()) std::filesystem::create_directories(stem.parent_path());
  const auto& columns = runs[0].truth.columns;
  const std::size_t width = model.columns.size();
  // Paths: one row per time point of the longer of truth and roll-out.
  std::vector<std::string> names{"trajectory", "t"};
  names.insert(names.end(), columns.begin(), columns.end());
  for (const auto& c : model.columns) names.push_back("predicted_" + c);
  std::vector<double> rows;
  int64_t count = 0;
  const double nan = std::numeric_limits<double>::quiet_NaN();
  for (std::size_t i = 0; i < runs.size(); ++i) {
    const auto& r = runs[i];
    const auto k = static_cast<std::size_t>(model.points);
    const std::size_t predicted_rows = r.predicted.size() / width;
    const std::size_t n = std::max(r.truth.rows(), k + predicted_rows);
    const double dt = r.truth.rows() > 1 ? r.truth.times[1] - r.truth.times[0] : 0;
    const auto model_cols = model_columns(model, r.truth);
    for (std::size_t t = 0; t < n; ++t) {
      rows.push_back(static_cast<double>(i));
      rows.push_back(t < r.truth.rows() ? r.truth.times[t] : static_cast<double>(t) * dt);
      for (std::size_t c = 0; c < columns.size(); ++c)
        rows.push_back(t < r.truth.rows() ? r.truth.at(t, c) : nan);
      for (std::size_t c = 0; c < width; ++c)
        rows.push_back(t < k                    ? r.truth.at(t, model_cols[c])  // the seed
                       : t - k < predicted_rows ? r.predicted[(t - k) * width + c]
                                                : nan);
      ++count;
    }
  }
  auto path_csv = stem;
  path_csv += ".csv";
  data::write_csv(path_csv, names, count, static_cast<int64_t>(names.size()), rows.data());
  files.push_back(path_csv);

  std::vector<double> summary;
  for (std::size_t i = 0; i < runs.size(); ++i) {
    const auto& r = runs[i];
    const auto& s = r.setup;
    const double a = s.problem == OdeProblem::projectile ? s.projectile.speed : s.theta1_deg;
    const double b = s.problem == OdeProblem::projectile ? s.projectile.angle_deg : s.theta2_deg;
    summary.insert(summary.end(),
                   {static_cast<double>(i), a, b, r.true_landing, r.predicted_landing,
                    r.predicted_landing - r.true_landing, r.departure});
  }
  auto summary_csv = stem;
  summary_csv += "_summary.csv";
  const bool projectile = runs[0].setup.problem == OdeProblem::projectile;
  data::write_csv(summary_csv,
                  {"trajectory", projectile ? "speed_m_per_s" : "theta1_deg",
                   projectile ? "angle_deg" : "theta2_deg", "true_landing_x_m",
                   "predicted_landing_x_m", "landing_error_m", "departure_time_s"},
                  static_cast<int64_t>(runs.size()), 7, summary.data());
  files.push_back(summary_csv);

  // The figure: all projectiles in one panel; each pendulum release in its own.
  const auto [xname, yname] = drawn_columns(runs[0].setup.problem);
  const std::size_t mx = index_of(model.columns, xname), my = index_of(model.columns, yname);
  io::Figure f;
  f.title = title;
  const std::string unit = runs[0].setup.problem == OdeProblem::lorenz ? "" : " (m)";
  for (std::size_t i = 0; i < runs.size(); ++i) {
    const auto& r = runs[i];
    if (projectile ? f.panels.empty() : true)
      f.panels.push_back({projectile ? "" : describe_initial_condition(r.setup),
                          xname + unit,
                          yname + unit,
                          {},
                          !projectile});
    auto& panel = f.panels.back();
    const int color = projectile ? static_cast<int>(i % 10) : 0;
    io::FigureSeries truth{projectile ? describe_initial_condition(r.setup) : "integrator",
                           {},
                           {},
                           color,
                           io::MarkStyle::Line,
                           1.5};
    const std::size_t tx = r.truth.column(xname), ty = r.truth.column(yname);
    for (std::size_t t = 0; t < r.truth.rows(); ++t) {
      truth.x.push_back(r.truth.at(t, tx));
      truth.y.push_back(r.truth.at(t, ty));
    }
    io::FigureSeries net{projectile ? "" : "network", {}, {}, projectile ? color : 1,
                         io::MarkStyle::DashedLine,   1.5};
    if (mx < width && my < width) {
      const std::size_t k = static_cast<std::size_t>(model.points) - 1;  // from the last seed
      net.x.push_back(r.truth.at(k, tx));
      net.y.push_back(r.truth.at(k, ty));
      for (std::size_t t = 0; t * width < r.predicted.size(); ++t) {
        net.x.push_back(r.predicted[t * width + mx]);
        net.y.push_back(r.predicted[t * width + my]);
      }
    }
    panel.series.push_back(std::move(truth));
    panel.series.push_back(std::move(net));
  }
  if (projectile) {
    f.columns = 1;
    f.panel_width = 900;
    f.panel_height = 460;
    f.panels[0].title = "integrator solid, network dashed";
  } else {
    f.columns = std::min<int>(3, static_cast<int>(f.panels.size()));
  }
  for (const auto& file : io::write_figure(stem, f)) files.push_back(file);
  return files;
}

}  // namespace scidl::sci
