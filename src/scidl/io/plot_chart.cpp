#include "scidl/io/plot_chart.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace scidl::io {

std::vector<double> nice_ticks(double lo, double hi, int count) {
  if (!(hi > lo)) return {lo};
  double raw = (hi - lo) / std::max(count, 1);
  double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  double step = magnitude;
  for (double m : {1.0, 2.0, 5.0, 10.0})
    if (m * magnitude >= raw) {
      step = m * magnitude;
      break;
    }
  std::vector<double> ticks;
  const double first = std::ceil(lo / step - 1e-9);
  for (int i = 0; i < 1000; ++i) {
    double t = (first + i) * step;  // multiplied, not summed: no drift
    if (t > hi + step * 1e-9) break;
    ticks.push_back(std::abs(t) < step * 1e-9 ? 0.0 : t);
  }
  return ticks;
}

std::vector<double> decade_ticks(double lo, double hi) {
  const int first = static_cast<int>(std::ceil(std::log10(lo) - 1e-9));
  const int last = static_cast<int>(std::floor(std::log10(hi) + 1e-9));
  const int step = last - first > 12 ? 5 : last - first > 6 ? 2 : 1;
  std::vector<double> ticks;
  for (int k = first; k <= last; k += step) ticks.push_back(std::pow(10.0, k));
  return ticks;
}

bool wants_log_y(const LineChart& chart) {
  double lo = INFINITY, hi = -INFINITY;
  for (const auto& s : chart.series)
    for (size_t i = 0; i < std::min(s.x.size(), s.y.size()); ++i) {
      if (!std::isfinite(s.x[i]) || !std::isfinite(s.y[i])) continue;
      if (s.y[i] <= 0) return false;
      lo = std::min(lo, s.y[i]), hi = std::max(hi, s.y[i]);
    }
  return lo <= hi && hi > 100 * lo;
}

std::string format_tick(double v) {
  if (v == 0) return "0";
  double a = std::abs(v);
  if (a >= 1e5 || a < 1e-3) return fmt::format("{:.3g}", v);
  return fmt::format("{}", std::stod(fmt::format("{:.6g}", v)));
}

const char* series_color(size_t i) {
  static const char* colors[] = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
                                 "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"};
  return colors[i % 10];
}

std::string xml_escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

ChartLayout layout_chart(const LineChart& chart, int width, int height) {
  ChartLayout l;
  l.width = width;
  l.height = height;
  double x0 = INFINITY, x1 = -INFINITY, y0 = INFINITY, y1 = -INFINITY;
  for (const auto& s : chart.series)
    for (size_t i = 0; i < std::min(s.x.size(), s.y.size()); ++i) {
      if (!std::isfinite(s.x[i]) || !std::isfinite(s.y[i])) continue;
      x0 = std::min(x0, s.x[i]), x1 = std::max(x1, s.x[i]);
      y0 = std::min(y0, s.y[i]), y1 = std::max(y1, s.y[i]);
      l.has_data = true;
    }
  if (!l.has_data) x0 = 0, x1 = 1, y0 = 0, y1 = 1;
  if (x1 == x0) x0 -= 0.5, x1 += 0.5;
  if (y1 == y0) {
    double pad = y0 == 0 ? 1 : std::abs(y0) * 0.1;
    y0 -= pad, y1 += pad;
  }
  l.x_min = x0, l.x_max = x1;
  l.x_ticks = nice_ticks(l.x_min, l.x_max, 8);
  if (l.has_data && wants_log_y(chart)) {  // 5% of the axis as padding, in decades
    const double pad = std::pow(y1 / y0, 0.05);
    l.log_y = true;
    l.y_min = y0 / pad, l.y_max = y1 * pad;
    l.y_ticks = decade_ticks(l.y_min, l.y_max);
    return l;
  }
  const double ypad = (y1 - y0) * 0.05;
  l.y_min = y0 - ypad, l.y_max = y1 + ypad;
  l.y_ticks = nice_ticks(l.y_min, l.y_max, 6);
  return l;
}

}  // namespace scidl::io
