#include "scidl/cases/three_body/figures.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <string>

#include "scidl/cases/three_body/surrogate.h"
#include "scidl/data/csv.h"

namespace scidl::sci {

namespace {

using io::FigurePanel;
using io::FigureSeries;
using io::MarkStyle;

std::string run_title(const ComparedRun& r) {
  return fmt::format("run {} ({}), x2 = ({:.3f}, {:.3f})", r.run_id,
                     r.validation ? "validation" : "training", r.x2_0, r.y2_0);
}

// Built in one piece: assigning short literals to a panel's strings trips GCC 12's -Wrestrict
// false positive (GCC bug 105651) at -O3.
FigurePanel make_panel(std::string title, std::string x_label, std::string y_label,
                       bool equal_aspect) {
  return FigurePanel{std::move(title), std::move(x_label), std::move(y_label), {}, equal_aspect};
}

// Energy errors below this are drawn at it (log10 of 0 is -inf).
constexpr double kEnergyFloor = 1e-16;

}  // namespace

std::vector<double> ComparedRun::energy_error(const std::vector<double>& states) const {
  std::vector<double> out;
  for (size_t k = 0; k + 12 <= states.size(); k += 12)
    out.push_back(relative_energy_error(&states[k], initial_energy));
  return out;
}

double ComparedRun::closest_approach() const {
  double d = INFINITY;
  for (size_t k = 0; k + 12 <= integrator.size(); k += 12) {
    const double* p = &integrator[k];
    for (int i = 0; i < 3; ++i)
      for (int j = i + 1; j < 3; ++j)
        d = std::min(d, std::hypot(p[2 * i] - p[2 * j], p[2 * i + 1] - p[2 * j + 1]));
  }
  return d;
}

io::Figure mae_figure(const TrainingCurves& c) {
  io::Figure f;
  f.title = "Mean absolute error per epoch (Breen et al. Fig. 3)";
  f.columns = 1;
  f.panel_width = 760;
  f.panel_height = 420;
  FigurePanel p =
      make_panel(fmt::format("{} of (x1, y1, x2, y2)", c.metric == "mae" ? "MAE" : "MAE loss"),
                 "epoch", "mean absolute error", false);
  p.series.push_back({"training", c.epoch, c.mae, 0, MarkStyle::Line, 2});
  if (!c.val_mae.empty())
    p.series.push_back({"validation", c.epoch, c.val_mae, 1, MarkStyle::Line, 2});
  if (c.epoch.size() == 1) {  // one epoch draws no line: show the points
    for (auto& s : p.series) s.style = MarkStyle::Points, s.size = 4;
  }
  f.panels.push_back(std::move(p));
  return f;
}

void write_mae_csv(const std::filesystem::path& path, const TrainingCurves& c) {
  std::vector<double> v;
  for (size_t i = 0; i < c.epoch.size(); ++i) {
    v.push_back(c.epoch[i]);
    v.push_back(c.mae[i]);
    v.push_back(c.val_mae.empty() ? NAN : c.val_mae[i]);
  }
  data::write_csv(path, {"epoch", "mae", "val_mae"}, static_cast<std::int64_t>(c.epoch.size()), 3,
                  v.data());
}

io::Figure trajectories_figure(const std::vector<ComparedRun>& runs) {
  io::Figure f;
  f.title = "Trajectories: integrator (solid) against network (dashed) (Breen et al. Fig. 4)";
  f.columns = 2;
  for (const ComparedRun& r : runs) {
    FigurePanel p = make_panel(run_title(r), "x", "y", true);
    for (int body = 0; body < 3; ++body) {
      FigureSeries truth{
          fmt::format("x{} integrator", body + 1), {}, {}, body, MarkStyle::Line, 1.5};
      FigureSeries net{
          fmt::format("x{} network", body + 1), {}, {}, body, MarkStyle::DashedLine, 1.5};
      for (size_t k = 0; k + 12 <= r.integrator.size(); k += 12) {
        truth.x.push_back(r.integrator[k + 2 * body]);
        truth.y.push_back(r.integrator[k + 2 * body + 1]);
        net.x.push_back(r.network[k + 2 * body]);
        net.y.push_back(r.network[k + 2 * body + 1]);
      }
      p.series.push_back(std::move(truth));
      p.series.push_back(std::move(net));
    }
    f.panels.push_back(std::move(p));
  }
  return f;
}

void write_trajectories_csv(const std::filesystem::path& path,
                            const std::vector<ComparedRun>& runs) {
  std::vector<std::string> names = {"run_id", "validation", "t"};
  for (const char* who : {"integrator", "network"})
    for (const char* q :
         {"x1", "y1", "x2", "y2", "x3", "y3", "vx1", "vy1", "vx2", "vy2", "vx3", "vy3"})
      names.push_back(fmt::format("{}_{}", who, q));
  std::vector<double> v;
  std::int64_t rows = 0;
  for (const ComparedRun& r : runs)
    for (size_t k = 0; k < r.t.size(); ++k, ++rows) {
      v.push_back(static_cast<double>(r.run_id));
      v.push_back(r.validation ? 1 : 0);
      v.push_back(r.t[k]);
      v.insert(v.end(), r.integrator.begin() + k * 12, r.integrator.begin() + k * 12 + 12);
      v.insert(v.end(), r.network.begin() + k * 12, r.network.begin() + k * 12 + 12);
    }
  data::write_csv(path, names, rows, static_cast<std::int64_t>(names.size()), v.data());
}

io::Figure energy_figure(const std::vector<ComparedRun>& runs) {
  io::Figure f;
  f.title = "Relative energy error |E - E0| / |E0| (log10)";
  f.columns = 2;
  for (const ComparedRun& r : runs) {
    FigurePanel p = make_panel(run_title(r), "t", "log10 relative energy error", false);
    auto series = [&](const std::string& label, const std::vector<double>& states, int color) {
      FigureSeries s{label, r.t, {}, color, MarkStyle::Line, 1.5};
      for (double e : r.energy_error(states)) s.y.push_back(std::log10(std::max(e, kEnergyFloor)));
      s.x.resize(s.y.size());
      return s;
    };
    p.series.push_back(series("integrator", r.integrator, 0));
    p.series.push_back(series("network (autograd velocities)", r.network, 3));
    if (!r.projected.empty())
      p.series.push_back(series("network, energy-projected", r.projected, 2));
    f.panels.push_back(std::move(p));
  }
  return f;
}

void write_energy_csv(const std::filesystem::path& path, const std::vector<ComparedRun>& runs) {
  std::vector<double> v;
  std::int64_t rows = 0;
  for (const ComparedRun& r : runs) {
    const auto a = r.energy_error(r.integrator), b = r.energy_error(r.network),
               c = r.energy_error(r.projected);
    for (size_t k = 0; k < r.t.size(); ++k, ++rows) {
      v.insert(v.end(),
               {static_cast<double>(r.run_id), r.t[k], a[k], b[k], c.empty() ? NAN : c[k]});
    }
  }
  data::write_csv(path, {"run_id", "t", "integrator", "network", "network_projected"}, rows, 5,
                  v.data());
}

io::Figure ring_figure(const RingSettings& s, const RingResult& ring,
                       const std::vector<double>& network_states) {
  io::Figure f;
  f.title = fmt::format(
      "Sensitivity: {} initial x2 on a ring of radius {} around ({}, {}) (Breen et al. Fig. 5)",
      s.points, s.radius, s.centre_x, s.centre_y);
  f.columns = 3;
  f.panel_width = 380;
  f.panel_height = 360;
  const size_t times = s.times.size();
  for (size_t k = 0; k < times; ++k) {
    FigurePanel p = make_panel(fmt::format("t = {}", s.times[k]), "x", "y", true);
    FigureSeries truth{"integrator", {}, {}, 0, MarkStyle::Points, 1.2};
    FigureSeries net{"network", {}, {}, 1, MarkStyle::Points, 1.2};
    for (int i = 0; i < s.points; ++i) {
      const size_t at = (static_cast<size_t>(i) * times + k) * 12;
      for (int body = 0; body < 3; ++body) {
        truth.x.push_back(ring.states[at + 2 * body]);
        truth.y.push_back(ring.states[at + 2 * body + 1]);
        net.x.push_back(network_states[at + 2 * body]);
        net.y.push_back(network_states[at + 2 * body + 1]);
      }
    }
    p.series.push_back(std::move(truth));
    p.series.push_back(std::move(net));
    f.panels.push_back(std::move(p));
  }
  return f;
}

void write_ring_csv(const std::filesystem::path& path, const RingSettings& s,
                    const RingResult& ring, const std::vector<double>& network_states) {
  std::vector<std::string> names = {"point", "x2_0", "y2_0", "t"};
  for (const char* who : {"integrator", "network"})
    for (const char* q : {"x1", "y1", "x2", "y2", "x3", "y3"})
      names.push_back(fmt::format("{}_{}", who, q));
  std::vector<double> v;
  const size_t times = s.times.size();
  for (int i = 0; i < s.points; ++i)
    for (size_t k = 0; k < times; ++k) {
      const size_t at = (static_cast<size_t>(i) * times + k) * 12;
      v.insert(v.end(), {static_cast<double>(i), ring.x2_0[i], ring.y2_0[i], s.times[k]});
      v.insert(v.end(), ring.states.begin() + at, ring.states.begin() + at + 6);
      v.insert(v.end(), network_states.begin() + at, network_states.begin() + at + 6);
    }
  data::write_csv(path, names, static_cast<std::int64_t>(s.points * times),
                  static_cast<std::int64_t>(names.size()), v.data());
}

}  // namespace scidl::sci
