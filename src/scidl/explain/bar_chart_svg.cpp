#include "scidl/explain/bar_chart_svg.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <fstream>

#include "scidl/explain/target_gradient.h"
#include "scidl/io/plot_chart.h"

namespace scidl::explain {

using io::xml_escape;

std::string bar_chart_svg(const std::vector<Bar>& bars, const std::string& title,
                          const std::string& value_label) {
  double low = 0.0, high = 0.0;
  size_t longest = 1;
  for (const auto& b : bars) {
    if (!std::isfinite(b.value))
      throw ExplainError(
          fmt::format("bar chart: the value of '{}' is {}; only finite values "
                      "can be drawn",
                      b.label, b.value));
    low = std::min(low, b.value);
    high = std::max(high, b.value);
    longest = std::max(longest, b.label.size());
  }
  if (high == low) high = low + 1.0;  // all zero: an empty axis rather than a division by zero
  const double bar_height = 22, gap = 6, top = 48, plot_width = 420;
  const double left = 16 + 7.5 * static_cast<double>(std::min<size_t>(longest, 40));
  const double width = left + plot_width + 110;
  const double height = top + static_cast<double>(bars.size()) * (bar_height + gap) + 40;
  const double scale = plot_width / (high - low);
  const double zero_x = left + (0.0 - low) * scale;
  std::string svg = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{:.0f}\" height=\"{:.0f}\" "
      "viewBox=\"0 0 {:.0f} {:.0f}\" font-family=\"sans-serif\" font-size=\"13\">\n"
      "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
      "<text x=\"{:.1f}\" y=\"24\" font-size=\"16\" font-weight=\"bold\">{}</text>\n",
      width, height, width, height, 16.0, xml_escape(title));
  for (size_t i = 0; i < bars.size(); ++i) {
    const double y = top + static_cast<double>(i) * (bar_height + gap);
    const double x0 = std::min(zero_x, zero_x + bars[i].value * scale);
    const double w = std::abs(bars[i].value * scale);
    svg += fmt::format(
        "<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"end\">{}</text>\n"
        "<rect x=\"{:.2f}\" y=\"{:.1f}\" width=\"{:.2f}\" height=\"{:.0f}\" fill=\"{}\"/>\n"
        "<text x=\"{:.1f}\" y=\"{:.1f}\">{:.4g}</text>\n",
        left - 8, y + bar_height * 0.7, xml_escape(bars[i].label), x0, y, w, bar_height,
        bars[i].value < 0 ? "#c0504d" : "#4f81bd", left + plot_width + 8, y + bar_height * 0.7,
        bars[i].value);
  }
  const double axis_y = top + static_cast<double>(bars.size()) * (bar_height + gap);
  svg += fmt::format(
      "<line x1=\"{:.2f}\" y1=\"{:.1f}\" x2=\"{:.2f}\" y2=\"{:.1f}\" stroke=\"black\"/>\n"
      "<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\">{}</text>\n</svg>\n",
      zero_x, top - 4, zero_x, axis_y, left + plot_width / 2, axis_y + 24, xml_escape(value_label));
  return svg;
}

void write_bar_chart_svg(const std::filesystem::path& path, const std::vector<Bar>& bars,
                         const std::string& title, const std::string& value_label) {
  std::ofstream out(path);
  if (!out) throw ExplainError(fmt::format("bar chart: cannot write '{}'", path.string()));
  out << bar_chart_svg(bars, title, value_label);
  if (!out) throw ExplainError(fmt::format("bar chart: writing '{}' failed", path.string()));
}

}  // namespace scidl::explain
