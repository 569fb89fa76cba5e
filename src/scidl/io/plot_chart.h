// Line charts of training curves (loss and metrics per epoch), described once and drawn as SVG
// (io/plot_svg.h) or PNG (io/plot_png.h). The layout (axis ranges with "nice" ticks, plot area,
// series colours) is computed here so both renderings agree.
// Contract: series may differ in length; non-finite points are skipped (a gap in the line);
// a chart with no finite point still draws its axes and says "no data". The y axis is
// logarithmic, with ticks at powers of ten, when every finite y is positive and the largest is
// more than 100 times the smallest (more than two decades: a loss falling from 1 to 0.001);
// otherwise linear.
#pragma once
#include <cmath>
#include <optional>
#include <string>
#include <vector>

namespace scidl::io {

struct PlotSeries {
  std::string label;  // "" draws the line without a legend entry
  std::vector<double> x, y;
  bool end_mark = false;  // a × at the last finite point (a tuning trial stopped there)
};

// A point singled out on the chart (the best epoch): a dashed vertical line at x, a dot at
// (x, y) and the label beside the line at the top of the plot.
struct ChartMarker {
  double x = 0, y = 0;
  std::string label;
};

struct LineChart {
  std::string title, x_label, y_label;
  std::vector<PlotSeries> series;
  std::optional<ChartMarker> marker{};
};

// The rule above: true when the finite y values are all positive and span over two decades.
bool wants_log_y(const LineChart& chart);

struct ChartLayout {
  int width = 800, height = 480;
  double left = 80, right = 160, top = 40, bottom = 50;  // margins in pixels (legend on the right)
  double x_min = 0, x_max = 1, y_min = 0, y_max = 1;
  std::vector<double> x_ticks, y_ticks;
  bool has_data = false;
  bool log_y = false;  // y_min, y_max and y_ticks stay in data units either way
  double px(double x) const {
    return left + (x - x_min) / (x_max - x_min) * (width - left - right);
  }
  double py(double y) const {
    const double t = log_y ? (std::log10(y) - std::log10(y_min)) / std::log10(y_max / y_min)
                           : (y - y_min) / (y_max - y_min);
    return height - bottom - t * (height - top - bottom);
  }
};

ChartLayout layout_chart(const LineChart& chart, int width, int height);
// About `count` round-numbered ticks covering [lo, hi] (1, 2, 5 times a power of ten).
std::vector<double> nice_ticks(double lo, double hi, int count);
std::string format_tick(double value);  // "0.001", "2.5", "1e+04"
// Powers of ten covering [lo, hi] (0 < lo < hi), every second or fifth one when there are many.
std::vector<double> decade_ticks(double lo, double hi);
// The i-th series colour as "#rrggbb" (tab10, as matplotlib and TensorBoard users know it).
const char* series_color(size_t i);
// Text made safe for SVG/XML content and attribute values (& < > " ').
std::string xml_escape(const std::string& text);

}  // namespace scidl::io
