// Attribution heatmaps draw what the attributions say: the overlay is the example's largest
// attribution's colour at that pixel (red when it raises the output, blue when it lowers it),
// the plain grey image where the attribution is zero, and fades in between.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <cmath>

#include "scidl/explain/explain.h"

namespace {

using namespace scidl;
using namespace scidl::explain;

io::Rgb pixel(const io::Image& img, int64_t x, int64_t y) {
  const uint8_t* p = &img.rgb[3 * (y * img.width + x)];
  return {p[0], p[1], p[2]};
}

HeatmapGrid two_examples() {
  // Two 3x4 images: grey ramps; attributions: example 0 peaks (+) at (1, 2), example 1 dips (-)
  // at (2, 0); everything else small or zero.
  std::vector<double> grey(2 * 12), attribution(2 * 12, 0.0);
  for (int i = 0; i < 24; ++i) grey[i] = (i % 12) / 11.0;
  attribution[1 * 4 + 2] = 2.0;
  attribution[0] = 0.5;
  attribution[12 + 2 * 4 + 0] = -3.0;
  attribution[12 + 1] = 1.5;
  HeatmapGrid g;
  g.images = from_vector(grey, {2, 1, 3, 4});
  g.attributions = from_vector(attribution, {2, 1, 3, 4});
  g.captions = {{"1>1", "label 1, predicted 1"}, {"2>0", "label 2, predicted 0"}};
  g.scale = 3;
  return g;
}

TEST(AttributionHeatmap, OverlayColourAtEachPixelFollowsItsAttribution) {
  const HeatmapGrid g = two_examples();
  const HeatmapLayout l = heatmap_layout(g);
  const io::Image img = render_heatmap_png(g);
  ASSERT_EQ(img.width, l.width);
  ASSERT_EQ(img.height, l.height);
  auto overlay = [&](int64_t n, int64_t r, int64_t c) {
    return pixel(img, l.overlay_x(n) + c * g.scale + 1, l.top(n) + r * g.scale + 1);
  };
  auto image = [&](int64_t n, int64_t r, int64_t c) {
    return pixel(img, l.image_x(n) + c * g.scale + 1, l.top(n) + r * g.scale + 1);
  };
  // The largest attribution is fully red, the most negative fully blue.
  EXPECT_EQ(overlay(0, 1, 2), (io::Rgb{215, 48, 39}));
  EXPECT_EQ(overlay(1, 2, 0), (io::Rgb{69, 117, 180}));
  // A quarter of the largest is a quarter of the way from grey to red.
  EXPECT_EQ(overlay(0, 0, 0), heat_color(0.0, 0.25));
  EXPECT_EQ(overlay(1, 0, 1), heat_color(1.0 / 11.0, 0.5));
  // Zero attribution leaves the grey image as it is, and the image tile is the grey image.
  const uint8_t g5 = static_cast<uint8_t>(std::lround(255.0 * 5 / 11.0));
  EXPECT_EQ(overlay(0, 1, 1), (io::Rgb{g5, g5, g5}));
  EXPECT_EQ(image(0, 1, 1), (io::Rgb{g5, g5, g5}));
  // Redness orders pixels by attribution.
  auto redness = [](io::Rgb c) { return int(c[0]) - int(c[1]); };
  EXPECT_GT(redness(overlay(0, 1, 2)), redness(overlay(0, 0, 0)));
  EXPECT_GT(redness(overlay(0, 0, 0)), redness(overlay(0, 1, 1)));
}

TEST(AttributionHeatmap, SvgDrawsOneSquarePerAttributedPixelWithItsShareAsOpacity) {
  const HeatmapGrid g = two_examples();
  const HeatmapLayout l = heatmap_layout(g);
  const std::string svg = render_heatmap_svg(g);
  EXPECT_NE(svg.find("data:image/png;base64,"), std::string::npos);
  EXPECT_NE(svg.find(fmt::format("<rect x=\"{}\" y=\"{}\" width=\"3\" height=\"3\" "
                                 "fill=\"#d73027\" fill-opacity=\"1.000\"/>",
                                 l.overlay_x(0) + 2 * 3, l.top(0) + 1 * 3)),
            std::string::npos);
  EXPECT_NE(svg.find(fmt::format("<rect x=\"{}\" y=\"{}\" width=\"3\" height=\"3\" "
                                 "fill=\"#4575b4\" fill-opacity=\"1.000\"/>",
                                 l.overlay_x(1), l.top(1) + 2 * 3)),
            std::string::npos);
  size_t squares = 0;
  for (size_t at = svg.find("fill-opacity"); at != std::string::npos;
       at = svg.find("fill-opacity", at + 1))
    ++squares;
  EXPECT_EQ(squares, 4u);  // the four non-zero attributions
  EXPECT_NE(svg.find("label 2, predicted 0"), std::string::npos);
}

TEST(AttributionHeatmap, MismatchedShapesAreRefusedNamingBoth) {
  HeatmapGrid g = two_examples();
  g.attributions = zeros({2, 1, 4, 3});
  try {
    render_heatmap_png(g);
    FAIL() << "expected an error";
  } catch (const ExplainError& e) {
    EXPECT_NE(std::string(e.what()).find("[2, 1, 4, 3]"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("[2, 1, 3, 4]"), std::string::npos) << e.what();
  }
}

}  // namespace
