// Raster images and PNG files (libpng): an 8-bit grey or RGB canvas with the few drawing
// helpers our reports need (filled boxes, grey tiles scaled up, digits in a tiny 3x5 font, words
// in the charts' 7x15 font), and a writer. Contract: coordinates outside the canvas are clipped,
// never an error.
#pragma once
#include <array>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace scidl::io {

using Rgb = std::array<uint8_t, 3>;

struct Image {
  Image(int64_t width, int64_t height, Rgb background = {255, 255, 255});
  int64_t width, height;
  std::vector<uint8_t> rgb;  // row-major, 3 bytes a pixel

  void set(int64_t x, int64_t y, Rgb color);
  void fill_rect(int64_t x, int64_t y, int64_t w, int64_t h, Rgb color);
  // Draws grey values in [0, 1] (row-major, rows x cols) at (x, y), each pixel `scale` wide.
  void draw_grey(int64_t x, int64_t y, const float* values, int64_t rows, int64_t cols,
                 int64_t scale);
  // Digits, '>', '-', '.', ':' and ' ' in a 3x5 font, each cell `scale` pixels; returns the
  // width drawn. Other characters draw as a box.
  int64_t draw_text(int64_t x, int64_t y, const std::string& text, Rgb color, int64_t scale);
  // Printable ASCII in the anti-aliased 7x15 font of the charts (io/plot_font.h), for words the
  // 3x5 font lacks; (x, y) is the top-left corner of the box the text covers (label_width by
  // label_height, or turned a quarter to the left and reading upwards). Returns the length drawn.
  int64_t draw_label(int64_t x, int64_t y, const std::string& text, Rgb color,
                     bool upwards = false);
};

// The box draw_label's text covers, in pixels, before any turn.
int64_t label_width(const std::string& text);
int64_t label_height();

void write_png(const std::filesystem::path& path, const Image& image);

// A color per class index (ten distinct hues, then repeating), for borders and legends.
Rgb class_color(int64_t index);

}  // namespace scidl::io
