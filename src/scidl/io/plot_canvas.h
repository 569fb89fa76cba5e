// A small RGB raster canvas for the PNG renderers: anti-aliased lines, filled dots and text in
// the embedded bitmap font (io/plot_font.h), filled boxes and pasted images. Drawing outside
// the image is clipped, never an error. Colours are "#rrggbb" strings or Rgb values (io/png.h).
#pragma once
#include <string>

#include "scidl/io/plot_png.h"
#include "scidl/io/png.h"

namespace scidl::io {

Rgb parse_rgb(const char* hex);  // "#1f77b4"
std::string rgb_hex(Rgb color);  // the inverse: "#1f77b4"

class Canvas {
 public:
  Canvas(int width, int height);                                  // white
  void fill_rect(double x, double y, double w, double h, Rgb c);  // pixel edges rounded
  void paste(const Image& image, int x, int y);                   // top-left corner at (x, y)
  void blend(int x, int y, Rgb c, double alpha);
  // A segment of width w; coverage from the distance to the segment.
  void line(double x0, double y0, double x1, double y1, Rgb c, double w);
  // Dashes of `dash` pixels with gaps of the same length, phase carried along a polyline.
  void dashed_line(double x0, double y0, double x1, double y1, Rgb c, double w, double dash,
                   double& phase);
  void dot(double x, double y, double radius, Rgb c, double alpha = 1.0);
  // anchor: 0 left, 1 centre, 2 right; vertical text is rotated by -90 degrees.
  void text(const std::string& s, double x, double y, int anchor, Rgb c, bool vertical = false);
  RgbImage take() { return std::move(image_); }

 private:
  RgbImage image_;
};

}  // namespace scidl::io
