#include "scidl/io/plot_svg.h"

#include <fmt/format.h>

#include <cmath>

#include "scidl/io/file_io.h"
#include "scidl/io/plot_chart.h"

namespace scidl::io {

std::string render_svg(const LineChart& chart, int width, int height) {
  ChartLayout l = layout_chart(chart, width, height);
  const double x_left = l.left, x_right = width - l.right, y_top = l.top,
               y_bottom = height - l.bottom;
  std::string s = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0}\" height=\"{1}\" viewBox=\"0 0 {0} "
      "{1}\" "
      "font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\" font-size=\"12\">\n"
      "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n",
      width, height);
  s += fmt::format("<text x=\"{}\" y=\"24\" text-anchor=\"middle\" font-size=\"15\">{}</text>\n",
                   (x_left + x_right) / 2, xml_escape(chart.title));
  for (double t : l.x_ticks) {
    double x = l.px(t);
    s += fmt::format(
        "<line x1=\"{0:.2f}\" y1=\"{1}\" x2=\"{0:.2f}\" y2=\"{2}\" stroke=\"#e0e0e0\"/>\n", x,
        y_top, y_bottom);
    s += fmt::format("<text x=\"{:.2f}\" y=\"{}\" text-anchor=\"middle\">{}</text>\n", x,
                     y_bottom + 16, format_tick(t));
  }
  for (double t : l.y_ticks) {
    double y = l.py(t);
    s += fmt::format(
        "<line x1=\"{0}\" y1=\"{1:.2f}\" x2=\"{2}\" y2=\"{1:.2f}\" stroke=\"#e0e0e0\"/>\n", x_left,
        y, x_right);
    s += fmt::format("<text x=\"{}\" y=\"{:.2f}\" text-anchor=\"end\">{}</text>\n", x_left - 6,
                     y + 4, format_tick(t));
  }
  s += fmt::format(
      "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"none\" stroke=\"black\"/>\n",
      x_left, y_top, x_right - x_left, y_bottom - y_top);
  s += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>\n",
                   (x_left + x_right) / 2, height - 10, xml_escape(chart.x_label));
  s += fmt::format(
      "<text transform=\"translate(18 {}) rotate(-90)\" text-anchor=\"middle\">{}</text>\n",
      (y_top + y_bottom) / 2, xml_escape(chart.y_label));
  if (!l.has_data)
    s +=
        fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" fill=\"#888\">no data</text>\n",
                    (x_left + x_right) / 2, (y_top + y_bottom) / 2);
  int legend_row = 0;
  for (size_t i = 0; i < chart.series.size(); ++i) {
    const auto& ser = chart.series[i];
    std::string path;
    bool pen_down = false;
    double last_x = 0, last_y = 0;
    for (size_t k = 0; k < std::min(ser.x.size(), ser.y.size()); ++k) {
      if (!std::isfinite(ser.x[k]) || !std::isfinite(ser.y[k])) {
        pen_down = false;
        continue;
      }
      path += fmt::format("{}{:.2f},{:.2f} ", pen_down ? "L" : "M", l.px(ser.x[k]), l.py(ser.y[k]));
      pen_down = true;
      last_x = l.px(ser.x[k]), last_y = l.py(ser.y[k]);
    }
    s += fmt::format("<path d=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"2\"/>\n", path,
                     series_color(i));
    if (ser.end_mark && !path.empty())
      s += fmt::format(
          "<path class=\"end-mark\" d=\"M{0:.2f},{1:.2f} L{2:.2f},{3:.2f} M{0:.2f},{3:.2f} "
          "L{2:.2f},{1:.2f}\" stroke=\"black\" stroke-width=\"2\"/>\n",
          last_x - 5, last_y - 5, last_x + 5, last_y + 5);
    if (ser.label.empty()) continue;
    double ly = y_top + 10 + 20 * static_cast<double>(legend_row++);
    s += fmt::format(
        "<line x1=\"{0}\" y1=\"{1}\" x2=\"{2}\" y2=\"{1}\" stroke=\"{3}\" stroke-width=\"2\"/>\n",
        x_right + 12, ly, x_right + 36, series_color(i));
    s += fmt::format("<text x=\"{}\" y=\"{}\">{}</text>\n", x_right + 42, ly + 4,
                     xml_escape(ser.label));
  }
  if (chart.marker && l.has_data) {
    const ChartMarker& m = *chart.marker;
    const double x = l.px(m.x);
    const bool left_half = x < (x_left + x_right) / 2;
    s += fmt::format(
        "<g class=\"marker\"><line x1=\"{0:.2f}\" y1=\"{1}\" x2=\"{0:.2f}\" y2=\"{2}\" "
        "stroke=\"#888\" stroke-dasharray=\"4 4\"/><circle cx=\"{0:.2f}\" cy=\"{3:.2f}\" r=\"4\"/>"
        "<text x=\"{4:.2f}\" y=\"{5}\" text-anchor=\"{6}\">{7}</text></g>\n",
        x, y_top, y_bottom, l.py(m.y), left_half ? x + 6 : x - 6, y_top + 16,
        left_half ? "start" : "end", xml_escape(m.label));
  }
  s += "</svg>\n";
  return s;
}

void write_svg(const std::filesystem::path& path, const LineChart& chart, int width, int height) {
  AtomicFileWriter out(path);
  out.write(render_svg(chart, width, height));
  out.commit();
}

}  // namespace scidl::io
