#include "scidl/io/plot_colorbar.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "scidl/io/plot_chart.h"
#include "scidl/io/plot_font.h"

namespace scidl::io {

namespace {

constexpr double kStripWidth = 14, kTickLength = 4, kLabelGap = 3, kTitleGap = 8;
constexpr Rgb kMissing{215, 215, 215};

std::span<const Rgb> stops(Colormap map) {
  static constexpr Rgb viridis[] = {{68, 1, 84},    {71, 44, 122},  {59, 81, 139},
                                    {44, 113, 142}, {33, 144, 141}, {39, 173, 129},
                                    {92, 200, 99},  {170, 220, 50}, {253, 231, 37}};
  static constexpr Rgb blues[] = {{247, 251, 255}, {222, 235, 247}, {198, 219, 239},
                                  {158, 202, 225}, {107, 174, 214}, {66, 146, 198},
                                  {33, 113, 181},  {8, 81, 156},    {8, 48, 107}};
  // The ends are the attribution overlay's (explain/attribution_heatmap.h) at full strength.
  static constexpr Rgb red_blue[] = {{69, 117, 180}, {255, 255, 255}, {215, 48, 39}};
  switch (map) {
    case Colormap::Blues:
      return blues;
    case Colormap::RedBlue:
      return red_blue;
    case Colormap::Viridis:
      break;
  }
  return viridis;
}

size_t longest_label(const std::vector<double>& ticks) {
  size_t longest = 1;
  for (double t : ticks) longest = std::max(longest, format_tick(t).size());
  return longest;
}

}  // namespace

Rgb colormap_color(Colormap map, double t) {
  const auto s = stops(map);
  const double at = std::clamp(std::isfinite(t) ? t : 0.0, 0.0, 1.0) * double(s.size() - 1);
  const size_t i = std::min(s.size() - 2, static_cast<size_t>(at));
  const double f = at - double(i);
  Rgb out;
  for (int k = 0; k < 3; ++k)
    out[k] = static_cast<uint8_t>(std::lround(s[i][k] + f * (s[i + 1][k] - s[i][k])));
  return out;
}

Rgb ColorScale::color(double value) const {
  if (!std::isfinite(value)) return kMissing;
  return colormap_color(map, (value - low) / (high - low));
}

ColorScale color_scale_of(Colormap map, std::span<const double> values) {
  double lo = INFINITY, hi = -INFINITY;
  for (double v : values)
    if (std::isfinite(v)) lo = std::min(lo, v), hi = std::max(hi, v);
  if (!(lo <= hi)) return {map, 0, 1};
  return {map, lo, lo == hi ? lo + 1 : hi};
}

std::vector<double> color_bar_ticks(const ColorBar& bar, double height) {
  return nice_ticks(bar.scale.low, bar.scale.high, std::max(2, static_cast<int>(height / 45)));
}

double color_bar_width(const ColorBar& bar, double height) {
  const double labels = plot_font::kWidth * double(longest_label(color_bar_ticks(bar, height)));
  return kStripWidth + kTickLength + kLabelGap + labels + kTitleGap + plot_font::kHeight;
}

void draw_color_bar(Canvas& c, const ColorBar& bar, double left, double top, double height) {
  const ColorScale& s = bar.scale;
  const Rgb black{0, 0, 0};
  const int rows = std::max(2, static_cast<int>(height));
  for (int row = 0; row < rows; ++row) {  // the end rows show the end colours exactly
    const double value = s.high - double(row) / (rows - 1) * (s.high - s.low);
    c.fill_rect(left, top + row, kStripWidth, 1, s.color(value));
  }
  const double right = left + kStripWidth;
  c.line(left, top, right, top, black, 1);
  c.line(left, top + height, right, top + height, black, 1);
  c.line(left, top, left, top + height, black, 1);
  c.line(right, top, right, top + height, black, 1);
  const auto ticks = color_bar_ticks(bar, height);
  for (double t : ticks) {
    const double y = top + (s.high - t) / (s.high - s.low) * height;
    c.line(right, y, right + kTickLength, y, black, 1);
    c.text(format_tick(t), right + kTickLength + kLabelGap, y + 4, 0, black);
  }
  const double title_x = right + kTickLength + kLabelGap +
                         plot_font::kWidth * double(longest_label(ticks)) + kTitleGap +
                         0.7 * plot_font::kHeight;
  c.text(bar.title, title_x, top + height / 2, 1, black, true);
}

std::string color_bar_svg(const ColorBar& bar, double left, double top, double height,
                          const std::string& id) {
  const ColorScale& s = bar.scale;
  const auto colors = stops(s.map);
  // The gradient runs bottom (low) to top (high) through the map's stops, as the PNG does.
  std::string svg = fmt::format(
      "<defs><linearGradient id=\"{}\" x1=\"0\" y1=\"1\" x2=\"0\" y2=\"0\">", xml_escape(id));
  for (size_t i = 0; i < colors.size(); ++i)
    svg += fmt::format("<stop offset=\"{:.4f}\" stop-color=\"{}\"/>",
                       double(i) / double(colors.size() - 1), rgb_hex(colors[i]));
  svg += "</linearGradient></defs>\n";
  const double right = left + kStripWidth;
  svg += fmt::format(
      "<rect class=\"color-bar\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"url(#{})\" "
      "stroke=\"black\"/>\n",
      left, top, kStripWidth, height, xml_escape(id));
  const auto ticks = color_bar_ticks(bar, height);
  for (double t : ticks) {
    const double y = top + (s.high - t) / (s.high - s.low) * height;
    svg += fmt::format(
        "<line x1=\"{0}\" y1=\"{1:.1f}\" x2=\"{2}\" y2=\"{1:.1f}\" stroke=\"black\"/>"
        "<text x=\"{3}\" y=\"{4:.1f}\">{5}</text>\n",
        right, y, right + kTickLength, right + kTickLength + kLabelGap, y + 4, format_tick(t));
  }
  const double title_x = right + kTickLength + kLabelGap +
                         plot_font::kWidth * double(longest_label(ticks)) + kTitleGap +
                         0.7 * plot_font::kHeight;
  svg += fmt::format(
      "<text transform=\"translate({} {}) rotate(-90)\" text-anchor=\"middle\">{}</text>\n",
      title_x, top + height / 2, xml_escape(bar.title));
  return svg;
}

}  // namespace scidl::io
