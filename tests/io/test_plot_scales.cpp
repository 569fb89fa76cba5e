// How plots show scale: a log y axis with decade ticks for curves over more than two decades,
// and the colour bar every heatmap carries (figures' Cells panels, the confusion matrix).
#include <gtest/gtest.h>

#include <array>
#include <cmath>

#include "scidl/io/plot_confusion.h"
#include "scidl/io/plot_figure.h"
#include "scidl/io/plot_svg.h"

namespace scidl::io {
namespace {

std::array<int, 3> pixel(const RgbImage& image, double x, double y) {
  const size_t at =
      (static_cast<size_t>(y) * static_cast<size_t>(image.width) + static_cast<size_t>(x)) * 3;
  return {image.pixels[at], image.pixels[at + 1], image.pixels[at + 2]};
}

// Within 3 of `expected` in every channel: the bar's rows sample the scale, its ends included.
::testing::AssertionResult near(std::array<int, 3> got, std::array<int, 3> expected) {
  for (int k = 0; k < 3; ++k)
    if (std::abs(got[k] - expected[k]) > 3)
      return ::testing::AssertionFailure()
             << "{" << got[0] << ", " << got[1] << ", " << got[2] << "} is not near {"
             << expected[0] << ", " << expected[1] << ", " << expected[2] << "}";
  return ::testing::AssertionSuccess();
}

LineChart falling_loss(double last) {
  PlotSeries loss{"training", {1, 2, 3, 4}, {1.0, 0.1, 0.01, last}};
  return {"loss per epoch", "epoch", "loss", {loss}, std::nullopt};
}

TEST(PlotScales, CurvesOverMoreThanTwoDecadesGetALogAxisWithDecadeTicks) {
  const ChartLayout l = layout_chart(falling_loss(0.001), 800, 480);
  ASSERT_TRUE(l.log_y);
  EXPECT_EQ(l.y_ticks, (std::vector<double>{0.001, 0.01, 0.1, 1.0}));
  // Equal ratios are equal distances.
  EXPECT_NEAR(l.py(0.01) - l.py(0.1), l.py(0.001) - l.py(0.01), 1e-9);
  const std::string svg = render_svg(falling_loss(0.001));
  for (const char* label : {">0.001</text>", ">0.01</text>", ">0.1</text>", ">1</text>"})
    EXPECT_NE(svg.find(label), std::string::npos) << label;
}

TEST(PlotScales, TwoDecadesOrLessAndNonPositiveValuesStayLinear) {
  EXPECT_FALSE(layout_chart(falling_loss(0.02), 800, 480).log_y);  // 1 to 0.01: two decades
  EXPECT_FALSE(layout_chart(falling_loss(-0.5), 800, 480).log_y);
  EXPECT_TRUE(wants_log_y(falling_loss(0.009)));
}

TEST(PlotScales, AChartMarkerDrawsItsLabelAndALine) {
  LineChart chart = falling_loss(0.001);
  chart.marker = ChartMarker{4, 0.001, "best: epoch 4, 0.001"};
  const std::string svg = render_svg(chart);
  EXPECT_NE(svg.find(">best: epoch 4, 0.001</text>"), std::string::npos);
  const ChartLayout l = layout_chart(chart, 800, 480);
  const RgbImage image = render_chart_image(chart, 800, 480);
  EXPECT_EQ(pixel(image, l.px(4), l.py(0.001)), (std::array<int, 3>{0, 0, 0}));  // the dot
}

Figure two_by_two() {
  FigureSeries cells;
  cells.label = "lambda1 (1/s)";
  cells.style = MarkStyle::Cells;
  cells.x = {0, 1, 0, 1};
  cells.y = {0, 0, 1, 1};
  cells.values = {0, 1, 2, NAN};
  Figure f;
  f.panels.push_back({"map", "a", "b", {cells}, false});
  return f;
}

TEST(PlotScales, AHeatmapPanelHasAColourBarWithItsRangeAndTitle) {
  const Figure f = two_by_two();
  const PanelLayout l = layout_figure(f).panels[0];
  ASSERT_TRUE(l.color_bar.has_value());
  EXPECT_DOUBLE_EQ(l.color_bar->scale.low, 0);
  EXPECT_DOUBLE_EQ(l.color_bar->scale.high, 2);
  EXPECT_GT(l.color_bar_left, l.left + l.width);
  const RgbImage image = render_figure_image(f);
  // The strip's top is the largest value's colour, its bottom the smallest's.
  EXPECT_TRUE(near(pixel(image, l.color_bar_left + 7, l.top + 1), {253, 231, 37}));
  EXPECT_TRUE(near(pixel(image, l.color_bar_left + 7, l.top + l.height - 2), {68, 1, 84}));
  const std::string svg = render_figure_svg(f);
  EXPECT_NE(svg.find("class=\"color-bar\""), std::string::npos);
  for (const char* tick : {">0</text>", ">1</text>", ">2</text>"})
    EXPECT_NE(svg.find(tick), std::string::npos) << tick;
  EXPECT_NE(svg.find(">lambda1 (1/s)</text>"), std::string::npos) << "the bar's title";
}

TEST(PlotScales, ConfusionMatrixShadesCellsByShareAndNamesTheClasses) {
  const std::vector<std::vector<int64_t>> confusion{{8, 2, 0}, {0, 10, 0}, {5, 0, 5}};
  const std::vector<std::string> names{"T-shirt/top", "Trouser", "A very long class name"};
  const RgbImage image = render_confusion_image(confusion, names);
  EXPECT_EQ(abbreviated_class_name(names[2]), "A very long c~");
  // The whole image holds the Blues colours of shares 1 (Trouser's row), 0.8 and 0.5.
  auto count = [&](Rgb c) {
    int n = 0;
    for (size_t i = 0; i < image.pixels.size(); i += 3)
      n += image.pixels[i] == c[0] && image.pixels[i + 1] == c[1] && image.pixels[i + 2] == c[2];
    return n;
  };
  const ColorScale blues{Colormap::Blues, 0, 1};
  EXPECT_GT(count(blues.color(1.0)), 30 * 30);
  EXPECT_GT(count(blues.color(0.8)), 30 * 30);
  EXPECT_GT(count(blues.color(0.5)), 2 * 30 * 30);
  EXPECT_THROW(render_confusion_image(confusion, {"a", "b"}), std::invalid_argument);
}

}  // namespace
}  // namespace scidl::io
