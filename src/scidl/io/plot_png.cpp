#include "scidl/io/plot_png.h"

#include <fmt/format.h>
#include <png.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "scidl/io/file_io.h"
#include "scidl/io/plot_font.h"

namespace scidl::io {

namespace {

struct Color {
  double r, g, b;
};

Color parse_color(const char* hex) {
  unsigned v = static_cast<unsigned>(std::stoul(hex + 1, nullptr, 16));
  return {double((v >> 16) & 255), double((v >> 8) & 255), double(v & 255)};
}

class Canvas {
 public:
  Canvas(int w, int h)
      : img_{w, h, std::vector<std::uint8_t>(static_cast<size_t>(w) * h * 3, 255)} {}
  void blend(int x, int y, Color c, double alpha) {
    if (x < 0 || y < 0 || x >= img_.width || y >= img_.height || alpha <= 0) return;
    alpha = std::min(alpha, 1.0);
    auto* p = &img_.pixels[(static_cast<size_t>(y) * img_.width + x) * 3];
    p[0] = static_cast<std::uint8_t>(std::lround(p[0] * (1 - alpha) + c.r * alpha));
    p[1] = static_cast<std::uint8_t>(std::lround(p[1] * (1 - alpha) + c.g * alpha));
    p[2] = static_cast<std::uint8_t>(std::lround(p[2] * (1 - alpha) + c.b * alpha));
  }
  // An anti-aliased segment of the given width: coverage from the distance to the segment.
  void line(double x0, double y0, double x1, double y1, Color c, double w) {
    int xa = static_cast<int>(std::floor(std::min(x0, x1) - w)),
        xb = static_cast<int>(std::ceil(std::max(x0, x1) + w));
    int ya = static_cast<int>(std::floor(std::min(y0, y1) - w)),
        yb = static_cast<int>(std::ceil(std::max(y0, y1) + w));
    double dx = x1 - x0, dy = y1 - y0, len2 = dx * dx + dy * dy;
    for (int y = ya; y <= yb; ++y)
      for (int x = xa; x <= xb; ++x) {
        double px = x + 0.5, py = y + 0.5;
        double t = len2 > 0 ? std::clamp(((px - x0) * dx + (py - y0) * dy) / len2, 0.0, 1.0) : 0;
        double d = std::hypot(px - (x0 + t * dx), py - (y0 + t * dy));
        blend(x, y, c, w / 2 + 0.5 - d);
      }
  }
  // Text from the embedded font; anchor: 0 left, 1 centre, 2 right. vertical: rotated -90 deg.
  void text(const std::string& s, double x, double y, int anchor, Color c, bool vertical = false) {
    const int w = plot_font::kWidth, h = plot_font::kHeight;
    double total = static_cast<double>(s.size()) * w;
    double start = anchor == 0 ? 0 : anchor == 1 ? -total / 2 : -total;
    for (size_t i = 0; i < s.size(); ++i) {
      for (int gy = 0; gy < h; ++gy)
        for (int gx = 0; gx < w; ++gx) {
          const int v = plot_font::coverage(s[i], gx, gy);
          if (!v) continue;
          double along = start + static_cast<double>(i) * w + gx, across = gy - h * 0.7;
          int px = static_cast<int>(std::lround(vertical ? x + across : x + along));
          int py = static_cast<int>(std::lround(vertical ? y - along : y + across));
          blend(px, py, c, v / 15.0);
        }
    }
  }
  RgbImage take() { return std::move(img_); }

 private:
  RgbImage img_;
};

}  // namespace

RgbImage render_chart_image(const LineChart& chart, int width, int height) {
  ChartLayout l = layout_chart(chart, width, height);
  Canvas c(width, height);
  const Color black{0, 0, 0}, grid{224, 224, 224}, grey{136, 136, 136};
  const double x_left = l.left, x_right = width - l.right, y_top = l.top,
               y_bottom = height - l.bottom;
  for (double t : l.x_ticks) {
    double x = l.px(t);
    c.line(x, y_top, x, y_bottom, grid, 1);
    c.text(format_tick(t), x, y_bottom + 16, 1, black);
  }
  for (double t : l.y_ticks) {
    double y = l.py(t);
    c.line(x_left, y, x_right, y, grid, 1);
    c.text(format_tick(t), x_left - 6, y + 4, 2, black);
  }
  c.line(x_left, y_top, x_right, y_top, black, 1);
  c.line(x_left, y_bottom, x_right, y_bottom, black, 1);
  c.line(x_left, y_top, x_left, y_bottom, black, 1);
  c.line(x_right, y_top, x_right, y_bottom, black, 1);
  c.text(chart.title, (x_left + x_right) / 2, 24, 1, black);
  c.text(chart.x_label, (x_left + x_right) / 2, height - 10, 1, black);
  c.text(chart.y_label, 22, (y_top + y_bottom) / 2, 1, black, true);
  if (!l.has_data) c.text("no data", (x_left + x_right) / 2, (y_top + y_bottom) / 2, 1, grey);
  for (size_t i = 0; i < chart.series.size(); ++i) {
    const auto& s = chart.series[i];
    Color col = parse_color(series_color(i));
    bool have_prev = false;
    double px0 = 0, py0 = 0;
    for (size_t k = 0; k < std::min(s.x.size(), s.y.size()); ++k) {
      if (!std::isfinite(s.x[k]) || !std::isfinite(s.y[k])) {
        have_prev = false;
        continue;
      }
      double px = l.px(s.x[k]), py = l.py(s.y[k]);
      if (have_prev)
        c.line(px0, py0, px, py, col, 2);
      else
        c.line(px, py, px, py, col, 2);
      px0 = px, py0 = py, have_prev = true;
    }
    double ly = y_top + 10 + 20 * static_cast<double>(i);
    c.line(x_right + 12, ly, x_right + 36, ly, col, 2);
    c.text(s.label, x_right + 42, ly + 4, 0, black);
  }
  return c.take();
}

std::string encode_png(const RgbImage& image) {
  png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, nullptr, nullptr, nullptr);
  png_infop info = png ? png_create_info_struct(png) : nullptr;
  if (!png || !info) {
    png_destroy_write_struct(&png, &info);
    throw std::runtime_error("PNG encoder: out of memory");
  }
  std::string out;
  if (setjmp(png_jmpbuf(png))) {
    png_destroy_write_struct(&png, &info);
    throw std::runtime_error("PNG encoder: libpng failed");
  }
  png_set_write_fn(
      png, &out,
      [](png_structp p, png_bytep data, png_size_t n) {
        static_cast<std::string*>(png_get_io_ptr(p))
            ->append(reinterpret_cast<const char*>(data), n);
      },
      nullptr);
  png_set_IHDR(png, info, static_cast<png_uint_32>(image.width),
               static_cast<png_uint_32>(image.height), 8, PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE,
               PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  png_write_info(png, info);
  for (int y = 0; y < image.height; ++y)
    png_write_row(png,
                  const_cast<png_bytep>(&image.pixels[static_cast<size_t>(y) * image.width * 3]));
  png_write_end(png, nullptr);
  png_destroy_write_struct(&png, &info);
  return out;
}

void write_png(const std::filesystem::path& path, const LineChart& chart, int width, int height) {
  std::string bytes = encode_png(render_chart_image(chart, width, height));
  AtomicFileWriter out(path);
  out.write(bytes);
  out.commit();
}

}  // namespace scidl::io
