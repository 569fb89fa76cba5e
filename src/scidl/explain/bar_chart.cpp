#include "scidl/explain/bar_chart.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "scidl/explain/target_gradient.h"
#include "scidl/io/file_io.h"
#include "scidl/io/plot_canvas.h"
#include "scidl/io/plot_chart.h"

namespace scidl::explain {

using io::xml_escape;

namespace {

constexpr const char* kPositive = "#4f81bd";
constexpr const char* kNegative = "#c0504d";

}  // namespace

BarChartLayout layout_bar_chart(const std::vector<Bar>& bars) {
  double low = 0.0, high = 0.0;
  size_t longest = 1;
  for (const auto& b : bars) {
    if (!std::isfinite(b.value))
      throw ExplainError(fmt::format(
          "bar chart: the value of '{}' is {}; only finite values can be drawn", b.label, b.value));
    low = std::min(low, b.value);
    high = std::max(high, b.value);
    longest = std::max(longest, b.label.size());
  }
  if (high == low) high = low + 1.0;  // all zero: an empty axis rather than a division by zero
  BarChartLayout l;
  l.bar_height = 22, l.gap = 6, l.top = 48, l.plot_width = 420;
  l.left = 16 + 7.5 * static_cast<double>(std::min<size_t>(longest, 40));
  l.width = l.left + l.plot_width + 110;
  l.height = l.bar_top(bars.size()) + 40;
  l.scale = l.plot_width / (high - low);
  l.zero_x = l.left + (0.0 - low) * l.scale;
  return l;
}

std::string bar_chart_svg(const std::vector<Bar>& bars, const std::string& title,
                          const std::string& value_label) {
  const BarChartLayout l = layout_bar_chart(bars);
  std::string svg = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{:.0f}\" height=\"{:.0f}\" "
      "viewBox=\"0 0 {:.0f} {:.0f}\" font-family=\"sans-serif\" font-size=\"13\">\n"
      "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
      "<text x=\"{:.1f}\" y=\"24\" font-size=\"16\" font-weight=\"bold\">{}</text>\n",
      l.width, l.height, l.width, l.height, 16.0, xml_escape(title));
  for (size_t i = 0; i < bars.size(); ++i) {
    const double y = l.bar_top(i);
    const double x0 = std::min(l.zero_x, l.zero_x + bars[i].value * l.scale);
    const double w = std::abs(bars[i].value * l.scale);
    svg += fmt::format(
        "<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"end\">{}</text>\n"
        "<rect x=\"{:.2f}\" y=\"{:.1f}\" width=\"{:.2f}\" height=\"{:.0f}\" fill=\"{}\"/>\n"
        "<text x=\"{:.1f}\" y=\"{:.1f}\">{:.4g}</text>\n",
        l.left - 8, y + l.bar_height * 0.7, xml_escape(bars[i].label), x0, y, w, l.bar_height,
        bars[i].value < 0 ? kNegative : kPositive, l.left + l.plot_width + 8,
        y + l.bar_height * 0.7, bars[i].value);
  }
  const double axis_y = l.bar_top(bars.size());
  svg += fmt::format(
      "<line x1=\"{:.2f}\" y1=\"{:.1f}\" x2=\"{:.2f}\" y2=\"{:.1f}\" stroke=\"black\"/>\n"
      "<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\">{}</text>\n</svg>\n",
      l.zero_x, l.top - 4, l.zero_x, axis_y, l.left + l.plot_width / 2, axis_y + 24,
      xml_escape(value_label));
  return svg;
}

io::RgbImage render_bar_chart_image(const std::vector<Bar>& bars, const std::string& title,
                                    const std::string& value_label) {
  const BarChartLayout l = layout_bar_chart(bars);
  io::Canvas c(static_cast<int>(std::ceil(l.width)), static_cast<int>(std::ceil(l.height)));
  const io::Rgb black{0, 0, 0};
  c.text(title, 16, 24, 0, black);
  for (size_t i = 0; i < bars.size(); ++i) {
    const double y = l.bar_top(i);
    const double x0 = std::min(l.zero_x, l.zero_x + bars[i].value * l.scale);
    c.text(bars[i].label, l.left - 8, y + l.bar_height * 0.7, 2, black);
    c.fill_rect(x0, y, std::abs(bars[i].value * l.scale), l.bar_height,
                io::parse_rgb(bars[i].value < 0 ? kNegative : kPositive));
    c.text(fmt::format("{:.4g}", bars[i].value), l.left + l.plot_width + 8, y + l.bar_height * 0.7,
           0, black);
  }
  const double axis_y = l.bar_top(bars.size());
  c.line(l.zero_x, l.top - 4, l.zero_x, axis_y, black, 1);
  c.text(value_label, l.left + l.plot_width / 2, axis_y + 24, 1, black);
  return c.take();
}

std::vector<std::filesystem::path> write_bar_chart(const std::filesystem::path& stem,
                                                   const std::vector<Bar>& bars,
                                                   const std::string& title,
                                                   const std::string& value_label) {
  std::filesystem::path svg = stem, png = stem;
  svg += ".svg";
  png += ".png";
  io::AtomicFileWriter svg_out(svg);
  svg_out.write(bar_chart_svg(bars, title, value_label));
  svg_out.commit();
  io::AtomicFileWriter png_out(png);
  png_out.write(io::encode_png(render_bar_chart_image(bars, title, value_label)));
  png_out.commit();
  return {svg, png};
}

}  // namespace scidl::explain
