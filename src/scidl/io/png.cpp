#include "scidl/io/png.h"

#include <fmt/format.h>
#include <png.h>

#include <algorithm>
#include <cstdio>
#include <memory>

#include "scidl/io/plot_font.h"

namespace scidl::io {

Image::Image(int64_t w, int64_t h, Rgb background) : width(w), height(h), rgb(3 * w * h) {
  if (w <= 0 || h <= 0)
    throw std::invalid_argument(fmt::format("image: size must be positive, got {}x{}", w, h));
  fill_rect(0, 0, w, h, background);
}

void Image::set(int64_t x, int64_t y, Rgb c) {
  if (x < 0 || y < 0 || x >= width || y >= height) return;
  std::copy(c.begin(), c.end(), rgb.begin() + 3 * (y * width + x));
}

void Image::fill_rect(int64_t x, int64_t y, int64_t w, int64_t h, Rgb c) {
  for (int64_t j = std::max<int64_t>(y, 0); j < std::min(y + h, height); ++j)
    for (int64_t i = std::max<int64_t>(x, 0); i < std::min(x + w, width); ++i) set(i, j, c);
}

void Image::draw_grey(int64_t x, int64_t y, const float* v, int64_t rows, int64_t cols,
                      int64_t scale) {
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t c = 0; c < cols; ++c) {
      const auto g = static_cast<uint8_t>(std::clamp(v[r * cols + c], 0.0f, 1.0f) * 255.0f + 0.5f);
      fill_rect(x + c * scale, y + r * scale, scale, scale, {g, g, g});
    }
}

namespace {
// 3x5 glyphs, one row per 3-bit number (bit 2 = left column).
const uint8_t* glyph(char ch) {
  static const uint8_t digits[10][5] = {
      {7, 5, 5, 5, 7}, {2, 6, 2, 2, 7}, {7, 1, 7, 4, 7}, {7, 1, 7, 1, 7}, {5, 5, 7, 1, 1},
      {7, 4, 7, 1, 7}, {7, 4, 7, 5, 7}, {7, 1, 1, 2, 2}, {7, 5, 7, 5, 7}, {7, 5, 7, 1, 7}};
  static const uint8_t arrow[5] = {4, 2, 1, 2, 4}, dash[5] = {0, 0, 7, 0, 0},
                       dot[5] = {0, 0, 0, 0, 2}, colon[5] = {0, 2, 0, 2, 0},
                       space[5] = {0, 0, 0, 0, 0}, box[5] = {7, 5, 5, 5, 7};
  if (ch >= '0' && ch <= '9') return digits[ch - '0'];
  switch (ch) {
    case '>':
      return arrow;
    case '-':
      return dash;
    case '.':
      return dot;
    case ':':
      return colon;
    case ' ':
      return space;
    default:
      return box;
  }
}
}  // namespace

int64_t Image::draw_text(int64_t x, int64_t y, const std::string& text, Rgb color, int64_t s) {
  int64_t at = x;
  for (char ch : text) {
    const uint8_t* g = glyph(ch);
    for (int r = 0; r < 5; ++r)
      for (int c = 0; c < 3; ++c)
        if (g[r] & (4 >> c)) fill_rect(at + c * s, y + r * s, s, s, color);
    at += 4 * s;
  }
  return at - x;
}

int64_t label_width(const std::string& text) {
  return static_cast<int64_t>(text.size()) * plot_font::kWidth;
}
int64_t label_height() { return plot_font::kHeight; }

int64_t Image::draw_label(int64_t x, int64_t y, const std::string& text, Rgb color, bool upwards) {
  const int64_t length = label_width(text);
  for (size_t i = 0; i < text.size(); ++i)
    for (int gy = 0; gy < plot_font::kHeight; ++gy)
      for (int gx = 0; gx < plot_font::kWidth; ++gx) {
        const int coverage = plot_font::coverage(text[i], gx, gy);
        const int64_t along = static_cast<int64_t>(i) * plot_font::kWidth + gx;
        const int64_t px = upwards ? x + gy : x + along,
                      py = upwards ? y + length - 1 - along : y + gy;
        if (coverage == 0 || px < 0 || py < 0 || px >= width || py >= height) continue;
        uint8_t* pixel = rgb.data() + 3 * (py * width + px);
        for (int k = 0; k < 3; ++k)
          pixel[k] =
              static_cast<uint8_t>((pixel[k] * (15 - coverage) + color[k] * coverage + 7) / 15);
      }
  return length;
}

void write_png(const std::filesystem::path& path, const Image& image) {
  std::unique_ptr<FILE, int (*)(FILE*)> f(std::fopen(path.c_str(), "wb"), &std::fclose);
  if (!f) throw std::runtime_error(fmt::format("cannot write PNG '{}'", path.string()));
  png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, nullptr, nullptr, nullptr);
  png_infop info = png ? png_create_info_struct(png) : nullptr;
  if (!png || !info || setjmp(png_jmpbuf(png))) {
    png_destroy_write_struct(&png, &info);
    throw std::runtime_error(fmt::format("libpng failed writing '{}'", path.string()));
  }
  png_init_io(png, f.get());
  png_set_IHDR(png, info, static_cast<png_uint_32>(image.width),
               static_cast<png_uint_32>(image.height), 8, PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE,
               PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  png_write_info(png, info);
  for (int64_t y = 0; y < image.height; ++y)
    png_write_row(png, const_cast<png_bytep>(image.rgb.data() + 3 * y * image.width));
  png_write_end(png, nullptr);
  png_destroy_write_struct(&png, &info);
}

Rgb class_color(int64_t i) {
  static const Rgb palette[10] = {{31, 119, 180},  {255, 127, 14}, {44, 160, 44},   {214, 39, 40},
                                  {148, 103, 189}, {140, 86, 75},  {227, 119, 194}, {127, 127, 127},
                                  {188, 189, 34},  {23, 190, 207}};
  return palette[((i % 10) + 10) % 10];
}

}  // namespace scidl::io
