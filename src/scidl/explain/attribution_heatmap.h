// Attribution heatmaps for image inputs, the picture `scidl explain` draws when a model takes
// images: per example, the image in grey beside the same image overlaid with its attribution
// (red where a pixel raises the explained output, blue where it lowers it, opaque at the example's
// largest |attribution| and fading linearly to clear at zero), in a grid with a caption under
// each pair, and a colour bar on the right giving the overlay's scale (-1 to 1: the share of the
// example's largest |attribution|). Written as PNG (heatmaps.png) and SVG (heatmaps.svg: the grey
// images embedded as PNG, the overlay as one translucent square per pixel, captions as text).
// Contract: images and attributions are [N, C, H, W] of one shape (channels are averaged for the
// grey image and summed for the attribution); image values are in [0, 1] (clamped); the first
// min(N, examples) examples are drawn; captions, when given, hold at least that many entries.
#pragma once
#include <filesystem>
#include <string>
#include <vector>

#include "scidl/io/plot_colorbar.h"
#include "scidl/io/png.h"
#include "scidl/tensor/tensor.h"

namespace scidl::explain {

struct HeatmapCaption {
  std::string digits;  // for the PNG's digit font: e.g. "3>3" (label > predicted)
  std::string text;    // for the SVG: e.g. "label 3 Dress, predicted 3 Dress"
};

struct HeatmapGrid {
  Tensor images;        // [N, C, H, W]
  Tensor attributions;  // [N, C, H, W]
  std::vector<HeatmapCaption> captions;
  int64_t examples = 16;  // how many to draw, from the first
  int64_t columns = 4;    // pairs per grid row
  int64_t scale = 4;      // screen pixels per image pixel
  std::string title;      // SVG only
};

// Where things are in the rendered grid (PNG pixels; the SVG uses the same coordinates).
struct HeatmapLayout {
  int64_t width = 0, height = 0;
  int64_t image_x(int64_t example) const;    // left edge of the grey image of `example`
  int64_t overlay_x(int64_t example) const;  // left edge of its overlay
  int64_t top(int64_t example) const;        // top edge of both
  int64_t pair_width = 0, pair_height = 0, tile_width = 0, tile_height = 0, columns = 1, scale = 1,
          image_width = 0;
  int64_t color_bar_left = 0, color_bar_top = 0, color_bar_height = 0;
};

HeatmapLayout heatmap_layout(const HeatmapGrid& grid);
// The overlay colour of one pixel: grey value in [0, 1], share = attribution / the example's
// largest |attribution|, in [-1, 1].
io::Rgb heat_color(double grey, double share);
// The colour bar's scale: RedBlue over [-1, 1], whose colours are heat_color on a white pixel.
io::ColorBar heat_color_bar();

io::Image render_heatmap_png(const HeatmapGrid& grid);
std::string render_heatmap_svg(const HeatmapGrid& grid);
// Writes folder/heatmaps.png and folder/heatmaps.svg.
void write_heatmaps(const std::filesystem::path& folder, const HeatmapGrid& grid);

}  // namespace scidl::explain
