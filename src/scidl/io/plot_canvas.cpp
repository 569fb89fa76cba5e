#include "scidl/io/plot_canvas.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "scidl/io/plot_font.h"

namespace scidl::io {

Rgb parse_rgb(const char* hex) {
  const unsigned v = static_cast<unsigned>(std::stoul(hex + 1, nullptr, 16));
  return {static_cast<std::uint8_t>(v >> 16), static_cast<std::uint8_t>(v >> 8),
          static_cast<std::uint8_t>(v)};
}

std::string rgb_hex(Rgb c) { return fmt::format("#{:02x}{:02x}{:02x}", c[0], c[1], c[2]); }

Canvas::Canvas(int width, int height)
    : image_{width, height,
             std::vector<std::uint8_t>(static_cast<size_t>(width) * height * 3, 255)} {}

void Canvas::blend(int x, int y, Rgb c, double alpha) {
  if (x < 0 || y < 0 || x >= image_.width || y >= image_.height || alpha <= 0) return;
  alpha = std::min(alpha, 1.0);
  auto* p = &image_.pixels[(static_cast<size_t>(y) * image_.width + x) * 3];
  for (int k = 0; k < 3; ++k)
    p[k] = static_cast<std::uint8_t>(std::lround(p[k] * (1 - alpha) + c[k] * alpha));
}

void Canvas::fill_rect(double x, double y, double w, double h, Rgb c) {
  const int xa = static_cast<int>(std::lround(x)), xb = static_cast<int>(std::lround(x + w));
  const int ya = static_cast<int>(std::lround(y)), yb = static_cast<int>(std::lround(y + h));
  for (int py = std::max(ya, 0); py < std::min(yb, image_.height); ++py)
    for (int px = std::max(xa, 0); px < std::min(xb, image_.width); ++px) blend(px, py, c, 1.0);
}

void Canvas::paste(const Image& image, int x, int y) {
  for (int64_t r = 0; r < image.height; ++r)
    for (int64_t k = 0; k < image.width; ++k) {
      const uint8_t* p = &image.rgb[3 * (r * image.width + k)];
      blend(x + static_cast<int>(k), y + static_cast<int>(r), Rgb{p[0], p[1], p[2]}, 1.0);
    }
}

void Canvas::line(double x0, double y0, double x1, double y1, Rgb c, double w) {
  const int xa = static_cast<int>(std::floor(std::min(x0, x1) - w));
  const int xb = static_cast<int>(std::ceil(std::max(x0, x1) + w));
  const int ya = static_cast<int>(std::floor(std::min(y0, y1) - w));
  const int yb = static_cast<int>(std::ceil(std::max(y0, y1) + w));
  const double dx = x1 - x0, dy = y1 - y0, len2 = dx * dx + dy * dy;
  for (int y = std::max(ya, 0); y <= std::min(yb, image_.height - 1); ++y)
    for (int x = std::max(xa, 0); x <= std::min(xb, image_.width - 1); ++x) {
      const double px = x + 0.5, py = y + 0.5;
      const double t =
          len2 > 0 ? std::clamp(((px - x0) * dx + (py - y0) * dy) / len2, 0.0, 1.0) : 0;
      const double d = std::hypot(px - (x0 + t * dx), py - (y0 + t * dy));
      blend(x, y, c, w / 2 + 0.5 - d);
    }
}

void Canvas::dashed_line(double x0, double y0, double x1, double y1, Rgb c, double w, double dash,
                         double& phase) {
  const double length = std::hypot(x1 - x0, y1 - y0);
  double s = 0;
  while (s < length) {
    const double in_period = std::fmod(phase, 2 * dash);
    const double step = std::min(length - s, (in_period < dash ? dash : 2 * dash) - in_period);
    if (in_period < dash) {
      const double a = s / length, b = (s + step) / length;
      line(x0 + a * (x1 - x0), y0 + a * (y1 - y0), x0 + b * (x1 - x0), y0 + b * (y1 - y0), c, w);
    }
    s += step;
    phase += step;
  }
}

void Canvas::dot(double x, double y, double radius, Rgb c, double alpha) {
  const int xa = static_cast<int>(std::floor(x - radius - 1)),
            xb = static_cast<int>(x + radius + 1);
  const int ya = static_cast<int>(std::floor(y - radius - 1)),
            yb = static_cast<int>(y + radius + 1);
  for (int py = ya; py <= yb; ++py)
    for (int px = xa; px <= xb; ++px) {
      const double d = std::hypot(px + 0.5 - x, py + 0.5 - y);
      blend(px, py, c, alpha * std::clamp(radius + 0.5 - d, 0.0, 1.0));
    }
}

void Canvas::text(const std::string& s, double x, double y, int anchor, Rgb c, bool vertical) {
  const int w = plot_font::kWidth, h = plot_font::kHeight;
  const double total = static_cast<double>(s.size()) * w;
  const double start = anchor == 0 ? 0 : anchor == 1 ? -total / 2 : -total;
  for (size_t i = 0; i < s.size(); ++i) {
    for (int gy = 0; gy < h; ++gy)
      for (int gx = 0; gx < w; ++gx) {
        const int v = plot_font::coverage(s[i], gx, gy);
        if (!v) continue;
        const double along = start + static_cast<double>(i) * w + gx, across = gy - h * 0.7;
        const int px = static_cast<int>(std::lround(vertical ? x + across : x + along));
        const int py = static_cast<int>(std::lround(vertical ? y - along : y + across));
        blend(px, py, c, v / 15.0);
      }
  }
}

}  // namespace scidl::io
