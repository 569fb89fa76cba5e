// A ranked horizontal bar chart (a feature ranking): one bar per label in the given order, top to
// bottom, with its value printed beside it. Laid out once (layout_bar_chart) and drawn as a
// self-contained SVG document (no fonts or scripts loaded) and as PNG (io/plot_canvas.h), so the
// two files show the same figure.
// Contract: values are finite (a non-finite value throws ExplainError); negative values draw to
// the left of a zero line; labels and title are XML-escaped in the SVG; files are written
// atomically.
#pragma once
#include <filesystem>
#include <string>
#include <vector>

#include "scidl/io/plot_png.h"

namespace scidl::explain {

struct Bar {
  std::string label;
  double value = 0.0;
};

// Pixel geometry shared by both renderings.
struct BarChartLayout {
  double width = 0, height = 0, left = 0, top = 0, plot_width = 0, bar_height = 0, gap = 0;
  double zero_x = 0, scale = 0;  // x of value 0, pixels per unit
  double bar_top(size_t i) const { return top + static_cast<double>(i) * (bar_height + gap); }
};

BarChartLayout layout_bar_chart(const std::vector<Bar>& bars);
std::string bar_chart_svg(const std::vector<Bar>& bars, const std::string& title,
                          const std::string& value_label);
io::RgbImage render_bar_chart_image(const std::vector<Bar>& bars, const std::string& title,
                                    const std::string& value_label);
// Writes STEM.svg and STEM.png; returns the two paths.
std::vector<std::filesystem::path> write_bar_chart(const std::filesystem::path& stem,
                                                   const std::vector<Bar>& bars,
                                                   const std::string& title,
                                                   const std::string& value_label);

}  // namespace scidl::explain
