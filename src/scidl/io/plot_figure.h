// Figures of several panels, each holding lines and scatter points: what the three-body report
// draws (trajectories, network against integrator; clouds of final positions). Described once
// and drawn as SVG (render_figure_svg) or PNG (render_figure_image, the same layout, through
// io/plot_canvas.h). Axis ticks come from io/plot_chart.h's nice_ticks, colours from its
// series_color, so these figures look like the training curves.
// Contract: non-finite points are skipped (a gap in a line); a panel with no finite point draws
// its axes and "no data"; equal_aspect panels keep one unit the same length on both axes (orbits
// look round); each series' label appears once in the figure's legend (empty labels do not).
#pragma once
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "scidl/io/plot_colorbar.h"
#include "scidl/io/plot_png.h"

namespace scidl::io {

// Cells: a colour-mapped grid (a heatmap): each point (x, y) is the centre of a cell_width ×
// cell_height rectangle coloured by `values` on the viridis scale over the series' finite range
// (non-finite values are light grey); the panel's first Cells series gets a colour bar to the
// right of the plot (io/plot_colorbar.h) titled with its label, instead of a legend entry.
enum class MarkStyle { Line, DashedLine, Points, Cells };

struct FigureSeries {
  std::string label;  // legend entry; series sharing a label share one entry
  std::vector<double> x, y;
  int color = 0;  // index into series_color
  MarkStyle style = MarkStyle::Line;
  double size = 1.5;                       // line width, or point radius, in pixels
  std::vector<double> values{};            // Cells: one per point
  double cell_width = 1, cell_height = 1;  // Cells: in data units
};

struct FigurePanel {
  std::string title, x_label, y_label;
  std::vector<FigureSeries> series;
  bool equal_aspect = false;
};

struct Figure {
  std::string title;
  std::vector<FigurePanel> panels;
  int columns = 2;  // panels per row
  int panel_width = 420, panel_height = 380;
};

// Pixel geometry of one panel (computed once, used by both renderers).
struct PanelLayout {
  double left = 0, top = 0, width = 0, height = 0;  // the plot area, in figure pixels
  double x_min = 0, x_max = 1, y_min = 0, y_max = 1;
  std::vector<double> x_ticks, y_ticks;
  bool has_data = false;
  std::optional<ColorBar> color_bar;  // drawn right of the plot area, as tall as it
  double color_bar_left = 0;
  double px(double x) const { return left + (x - x_min) / (x_max - x_min) * width; }
  double py(double y) const { return top + height - (y - y_min) / (y_max - y_min) * height; }
};

struct FigureLayout {
  int width = 0, height = 0;
  double legend_top = 0;  // legend row below the title
  std::vector<PanelLayout> panels;
};

FigureLayout layout_figure(const Figure& figure);
// The legend: first series of each distinct non-empty label, in order of appearance.
std::vector<const FigureSeries*> legend_entries(const Figure& figure);

std::string render_figure_svg(const Figure& figure);
RgbImage render_figure_image(const Figure& figure);

// Writes STEM.svg and STEM.png (atomically); returns the two paths.
std::vector<std::filesystem::path> write_figure(const std::filesystem::path& stem,
                                                const Figure& figure);

}  // namespace scidl::io
