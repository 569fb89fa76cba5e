// Line charts as PNG (io/plot_chart.h), the same layout as the SVG, drawn with anti-aliased lines
// and an embedded bitmap font (io/plot_font.h) and encoded with libpng. For viewers and reports
// that take raster images. write_png writes atomically; errors name the file and the reason.
#pragma once
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "scidl/io/plot_chart.h"

namespace scidl::io {

struct RgbImage {
  int width = 0, height = 0;
  std::vector<std::uint8_t> pixels;  // row-major RGB, 3 bytes per pixel
};

RgbImage render_chart_image(const LineChart& chart, int width = 800, int height = 480);
std::string encode_png(const RgbImage& image);  // the PNG file's bytes
void write_png(const std::filesystem::path& path, const LineChart& chart, int width = 800,
               int height = 480);

}  // namespace scidl::io
