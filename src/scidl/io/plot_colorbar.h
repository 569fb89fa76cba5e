// Colour scales for heatmaps and the colour bar that explains one: a vertical strip of the scale
// with ticks at round values (io/plot_chart.h's nice_ticks) and a title turned to read upwards,
// drawn the same way on a PNG canvas and in SVG. Every heatmap (figures' Cells panels, the
// confusion matrix, attribution overlays) takes its colours and its bar from here.
// Contract: a scale maps [low, high] linearly onto its colour map; values outside take the end
// colours, non-finite values light grey. A scale made from values with no finite one is [0, 1];
// from equal values v, [v, v + 1].
#pragma once
#include <span>
#include <string>
#include <vector>

#include "scidl/io/plot_canvas.h"

namespace scidl::io {

// Viridis (matplotlib's default), Blues (ColorBrewer, white to dark blue) and RedBlue (blue
// through white to red, the attribution overlay's colours on a white image).
enum class Colormap { Viridis, Blues, RedBlue };

struct ColorScale {
  Colormap map = Colormap::Viridis;
  double low = 0, high = 1;
  Rgb color(double value) const;
};

// The finite range of `values` on `map`.
ColorScale color_scale_of(Colormap map, std::span<const double> values);
// The colour map at t in [0, 1] (clamped), piecewise linear between its stops.
Rgb colormap_color(Colormap map, double t);

struct ColorBar {
  ColorScale scale;
  std::string title;  // what the colours measure, e.g. "share of the true class"
};

// Ticks of a bar `height` pixels tall, and the width the bar takes with its labels and title.
std::vector<double> color_bar_ticks(const ColorBar& bar, double height);
double color_bar_width(const ColorBar& bar, double height);

// The strip's top-left corner at (left, top); low values at the bottom.
void draw_color_bar(Canvas& canvas, const ColorBar& bar, double left, double top, double height);
// `id` names the SVG gradient; it must be unique within the document.
std::string color_bar_svg(const ColorBar& bar, double left, double top, double height,
                          const std::string& id);

}  // namespace scidl::io
