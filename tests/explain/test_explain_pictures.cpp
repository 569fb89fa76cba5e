// The pictures `scidl explain` leaves: the feature ranking as PNG beside its SVG (one figure,
// one layout), and the attribution heatmaps' colour bar giving the overlay's scale.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <array>
#include <fstream>

#include "../test_util.h"
#include "scidl/explain/attribution_report.h"
#include "scidl/explain/explain.h"
#include "scidl/io/file_io.h"

namespace scidl::testing {
namespace {

std::array<int, 3> pixel(const io::RgbImage& image, double x, double y) {
  const size_t at =
      (static_cast<size_t>(y) * static_cast<size_t>(image.width) + static_cast<size_t>(x)) * 3;
  return {image.pixels[at], image.pixels[at + 1], image.pixels[at + 2]};
}

TEST(ExplainPictures, TheRankingIsWrittenAsPngBesideTheSvg) {
  TempDir dir("ranking_png");
  explain::AttributionReport r;
  r.method = "saliency";
  r.attributions = from_vector(std::vector<double>{3, -1, 0.5, 2, 1, 0}, {2, 3});
  r.ranking = explain::rank_features(r.attributions, {"E", "V", "area"});
  r.ranking_statistic = "mean |attribution|";
  explain::write_attribution_report(dir.path, r);
  ASSERT_TRUE(std::filesystem::exists(dir.path / "ranking.svg"));
  const auto png = io::read_file_bytes(dir.path / "ranking.png");
  ASSERT_GT(png.size(), 8u);
  EXPECT_EQ(std::string(png.begin(), png.begin() + 8), std::string("\x89PNG\r\n\x1a\n", 8));
}

TEST(ExplainPictures, TheRankingPngDrawsTheSvgsBarsAtTheSamePlaces) {
  const std::vector<explain::Bar> bars{{"E", 2.0}, {"V", 1.0}, {"drop", -0.5}};
  const explain::BarChartLayout l = explain::layout_bar_chart(bars);
  const io::RgbImage image = explain::render_bar_chart_image(bars, "salience", "score");
  EXPECT_EQ(image.width, static_cast<int>(std::ceil(l.width)));
  const std::string svg = explain::bar_chart_svg(bars, "salience", "score");
  EXPECT_NE(svg.find(fmt::format("height=\"{:.0f}\"", l.height)), std::string::npos);
  // The first bar, full length, in the positive colour; the negative one left of zero.
  const double mid = l.bar_top(0) + l.bar_height / 2;
  EXPECT_EQ(pixel(image, l.zero_x + 2.0 * l.scale - 3, mid),
            (std::array<int, 3>{0x4f, 0x81, 0xbd}));
  EXPECT_EQ(pixel(image, l.zero_x - 0.5 * l.scale + 3, l.bar_top(2) + l.bar_height / 2),
            (std::array<int, 3>{0xc0, 0x50, 0x4d}));
  EXPECT_EQ(pixel(image, l.zero_x + 1.0 * l.scale + 5, l.bar_top(1) + l.bar_height / 2),
            (std::array<int, 3>{255, 255, 255}))
      << "the second bar ends at its value";
}

TEST(ExplainPictures, HeatmapsCarryAColourBarFromBlueThroughWhiteToRed) {
  explain::HeatmapGrid g;
  g.images = from_vector(std::vector<double>(2 * 16, 0.5), {2, 1, 4, 4});
  std::vector<double> a(2 * 16, 0.0);
  a[3] = 1.0;
  g.attributions = from_vector(a, {2, 1, 4, 4});
  const explain::HeatmapLayout l = explain::heatmap_layout(g);
  const io::Image png = explain::render_heatmap_png(g);
  ASSERT_EQ(png.width, l.width);
  auto at = [&](int64_t x, int64_t y) {
    const uint8_t* p = &png.rgb[3 * (y * png.width + x)];
    return std::array<int, 3>{p[0], p[1], p[2]};
  };
  const int64_t x = l.color_bar_left + 7;
  auto near = [](std::array<int, 3> got, std::array<int, 3> expected) {
    for (int k = 0; k < 3; ++k)
      if (std::abs(got[k] - expected[k]) > 3) return false;
    return true;
  };
  // The ends (rows sample the scale, so one row in is within 3 of the end colour).
  EXPECT_TRUE(near(at(x, l.color_bar_top + 1), {215, 48, 39}));  // +1: raises
  EXPECT_TRUE(near(at(x, l.color_bar_top + l.color_bar_height - 2), {69, 117, 180}));
  for (int channel : at(x, l.color_bar_top + l.color_bar_height / 2))
    EXPECT_GE(channel, 250) << "white at zero";
  const std::string svg = explain::render_heatmap_svg(g);
  EXPECT_NE(svg.find("url(#attribution-scale)"), std::string::npos);
  EXPECT_NE(svg.find(">share of largest |attribution|</text>"), std::string::npos);
}

}  // namespace
}  // namespace scidl::testing
