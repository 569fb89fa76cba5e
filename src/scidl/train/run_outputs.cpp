#include "scidl/train/run_outputs.h"

#include <fmt/format.h>

#include <cmath>
#include <set>

#include "scidl/io/plot_png.h"
#include "scidl/io/plot_svg.h"
#include "scidl/train/metrics.h"

namespace scidl::train {

std::optional<size_t> best_epoch(const History& h, const std::string& key, bool maximise) {
  std::optional<size_t> best;
  for (size_t e = 0; e < h.epochs.size(); ++e) {
    auto it = h.epochs[e].find(key);
    if (it == h.epochs[e].end() || !std::isfinite(it->second)) continue;
    const double b = best ? h.epochs[*best].at(key) : NAN;
    if (!best || (maximise ? it->second > b : it->second < b)) best = e;
  }
  return best;
}

namespace {

// The marker of a chart of `quantity`: its best validation epoch, or training epoch.
std::optional<io::ChartMarker> best_marker(const History& h, const std::string& quantity) {
  const int direction = metric_direction(quantity);
  if (direction == 0) return std::nullopt;
  for (const std::string& key : {"val_" + quantity, quantity})
    if (auto e = best_epoch(h, key, direction > 0)) {
      const double value = h.epochs[*e].at(key);
      return io::ChartMarker{static_cast<double>(*e + 1), value,
                             fmt::format("best: epoch {}, {:.4g}", *e + 1, value)};
    }
  return std::nullopt;
}

}  // namespace

std::vector<std::filesystem::path> write_curve_plots(const std::filesystem::path& run_dir,
                                                     const History& h) {
  std::vector<std::filesystem::path> written;
  if (h.epochs.empty()) return written;
  std::set<std::string> quantities;
  for (const auto& [k, v] : h.epochs.front())
    if (k.rfind("val_", 0) != 0 && k != "time_s" && k != "lr") quantities.insert(k);
  std::filesystem::create_directories(run_dir / "plots");
  for (const auto& q : quantities) {
    io::LineChart chart{q + " per epoch", "epoch", q, {}, std::nullopt};
    for (const std::string& key : {q, "val_" + q}) {
      io::PlotSeries s{key.rfind("val_", 0) == 0 ? "validation" : "training", {}, {}};
      for (size_t e = 0; e < h.epochs.size(); ++e) {
        auto it = h.epochs[e].find(key);
        if (it == h.epochs[e].end()) continue;
        s.x.push_back(static_cast<double>(e + 1));
        s.y.push_back(it->second);
      }
      if (!s.x.empty()) chart.series.push_back(s);
    }
    chart.marker = best_marker(h, q);
    auto svg = run_dir / "plots" / (q + ".svg"), png = run_dir / "plots" / (q + ".png");
    io::write_svg(svg, chart);
    io::write_png(png, chart);
    written.push_back(svg);
    written.push_back(png);
  }
  return written;
}

std::string run_summary(const History& h, const std::string& monitor,
                        const std::string& stopped_because, const std::filesystem::path& run_dir) {
  std::string out =
      fmt::format("summary: {} epoch{}{}\n", h.epochs.size(), h.epochs.size() == 1 ? "" : "s",
                  stopped_because.empty() ? "" : " (" + stopped_because + ")");
  if (!h.epochs.empty()) {
    if (auto best = best_epoch(h, monitor, metric_direction(monitor) > 0))
      out += fmt::format("  best {} {:.6g} at epoch {}\n", monitor, h.epochs[*best].at(monitor),
                         *best + 1);
    out += fmt::format("  last epoch: {}\n", format_logs(h.epochs.back()));
  }
  out += fmt::format("  run folder: {} (best.scidl, last.scidl, history.csv, plots/)\n",
                     run_dir.string());
  return out;
}

}  // namespace scidl::train
