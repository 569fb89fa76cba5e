#include "scidl/io/plot_png.h"

#include <fmt/format.h>
#include <png.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "scidl/io/file_io.h"
#include "scidl/io/plot_canvas.h"

namespace scidl::io {

RgbImage render_chart_image(const LineChart& chart, int width, int height) {
  ChartLayout l = layout_chart(chart, width, height);
  Canvas c(width, height);
  const Rgb black{0, 0, 0}, grid{224, 224, 224}, grey{136, 136, 136};
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
  int legend_row = 0;
  for (size_t i = 0; i < chart.series.size(); ++i) {
    const auto& s = chart.series[i];
    const Rgb col = parse_rgb(series_color(i));
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
    if (s.end_mark && have_prev) {
      c.line(px0 - 5, py0 - 5, px0 + 5, py0 + 5, black, 2);
      c.line(px0 - 5, py0 + 5, px0 + 5, py0 - 5, black, 2);
    }
    if (s.label.empty()) continue;
    double ly = y_top + 10 + 20 * static_cast<double>(legend_row++);
    c.line(x_right + 12, ly, x_right + 36, ly, col, 2);
    c.text(s.label, x_right + 42, ly + 4, 0, black);
  }
  if (chart.marker && l.has_data) {
    const ChartMarker& m = *chart.marker;
    const double x = l.px(m.x);
    double phase = 0;
    c.dashed_line(x, y_top, x, y_bottom, grey, 1, 4, phase);
    c.dot(x, l.py(m.y), 4, black);
    const bool left_half = x < (x_left + x_right) / 2;
    c.text(m.label, left_half ? x + 6 : x - 6, y_top + 16, left_half ? 0 : 2, black);
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
