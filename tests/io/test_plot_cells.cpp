// Figures' Cells mark (a heatmap): viridis colours over the finite range, grey for non-finite
// values, axes fitted exactly to the cells, the same picture in SVG and PNG.
#include <gtest/gtest.h>

#include <array>
#include <cmath>

#include "scidl/io/plot_figure.h"

namespace scidl::io {
namespace {

Figure two_by_two() {
  FigureSeries cells;
  cells.label = "value";
  cells.style = MarkStyle::Cells;
  cells.x = {0, 1, 0, 1};
  cells.y = {0, 0, 1, 1};
  cells.values = {0, 1, 2, NAN};
  Figure f;
  f.panels.push_back({"map", "a", "b", {cells}, false});
  return f;
}

TEST(PlotCells, ViridisEndsAndGreyForMissingValues) {
  const std::string svg = render_figure_svg(two_by_two());
  EXPECT_NE(svg.find("fill=\"#440154\""), std::string::npos);  // the smallest value
  EXPECT_NE(svg.find("fill=\"#fde725\""), std::string::npos);  // the largest
  EXPECT_NE(svg.find("fill=\"#d7d7d7\""), std::string::npos);  // NaN
  EXPECT_NE(svg.find(">2</text>"), std::string::npos) << "the scale's upper end on the colour bar";
}

TEST(PlotCells, AxesFitTheCellsAndThePngMatches) {
  const Figure f = two_by_two();
  const FigureLayout layout = layout_figure(f);
  const PanelLayout& l = layout.panels[0];
  EXPECT_DOUBLE_EQ(l.x_min, -0.5);
  EXPECT_DOUBLE_EQ(l.x_max, 1.5);
  EXPECT_DOUBLE_EQ(l.y_min, -0.5);
  EXPECT_DOUBLE_EQ(l.y_max, 1.5);
  const RgbImage image = render_figure_image(f);
  auto pixel = [&](double x, double y) {
    const auto px = static_cast<size_t>(l.px(x)), py = static_cast<size_t>(l.py(y));
    const size_t at = (py * static_cast<size_t>(image.width) + px) * 3;
    return std::array<int, 3>{image.pixels[at], image.pixels[at + 1], image.pixels[at + 2]};
  };
  EXPECT_EQ(pixel(0.2, 1.2), (std::array<int, 3>{253, 231, 37}));  // value 2, top left cell
  EXPECT_EQ(pixel(-0.2, -0.2), (std::array<int, 3>{68, 1, 84}));   // value 0, bottom left
}

}  // namespace
}  // namespace scidl::io
