#include "scidl/explain/attribution_heatmap.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "scidl/explain/target_gradient.h"
#include "scidl/io/file_io.h"
#include "scidl/io/plot_canvas.h"
#include "scidl/io/plot_chart.h"
#include "scidl/io/plot_png.h"

namespace scidl::explain {

namespace {

constexpr int64_t kMargin = 6, kGap = 4, kCaption = 16, kBarGap = 14, kMinBarHeight = 220;
constexpr io::Rgb kRaises{215, 48, 39}, kLowers{69, 117, 180};  // ColorBrewer RdBu ends

// One example's grey image (channel mean, clamped to [0, 1]) and signed attribution share
// (channel sum / the largest |channel sum| of the example; zeros when all are zero).
struct ExamplePlanes {
  std::vector<double> grey, share;
};

void check_grid(const HeatmapGrid& g) {
  if (!g.images.defined() || g.images.dim() != 4)
    throw ExplainError(fmt::format("heatmaps need images [N, C, H, W], got shape {}",
                                   g.images.defined() ? shape_str(g.images.shape()) : "none"));
  if (!g.attributions.defined() || g.attributions.shape() != g.images.shape())
    throw ExplainError(
        fmt::format("heatmaps: attributions of shape {} do not match images of shape {}",
                    g.attributions.defined() ? shape_str(g.attributions.shape()) : "none",
                    shape_str(g.images.shape())));
  if (g.examples < 1 || g.columns < 1 || g.scale < 1)
    throw ExplainError("heatmaps: examples, columns and scale must be at least 1");
  const int64_t shown = std::min(g.images.shape()[0], g.examples);
  if (!g.captions.empty() && static_cast<int64_t>(g.captions.size()) < shown)
    throw ExplainError(
        fmt::format("heatmaps: {} captions for {} examples", g.captions.size(), shown));
}

int64_t shown(const HeatmapGrid& g) { return std::min(g.images.shape()[0], g.examples); }

std::vector<ExamplePlanes> planes(const HeatmapGrid& g) {
  const auto& s = g.images.shape();
  const int64_t c = s[1], hw = s[2] * s[3];
  auto x = g.images.to_vector<double>();
  auto a = g.attributions.to_vector<double>();
  std::vector<ExamplePlanes> out(shown(g));
  for (int64_t n = 0; n < shown(g); ++n) {
    auto& p = out[n];
    p.grey.assign(hw, 0.0);
    p.share.assign(hw, 0.0);
    for (int64_t k = 0; k < c; ++k)
      for (int64_t i = 0; i < hw; ++i) {
        p.grey[i] += x[(n * c + k) * hw + i] / double(c);
        p.share[i] += a[(n * c + k) * hw + i];
      }
    double largest = 0.0;
    for (double v : p.share) largest = std::max(largest, std::abs(v));
    for (auto& v : p.grey) v = std::clamp(v, 0.0, 1.0);
    for (auto& v : p.share) v = largest > 0 ? v / largest : 0.0;
  }
  return out;
}

uint8_t grey_byte(double grey) { return static_cast<uint8_t>(std::lround(255.0 * grey)); }

std::string base64(const std::string& bytes) {
  static const char* digits = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  for (size_t i = 0; i < bytes.size(); i += 3) {
    uint32_t v = static_cast<uint8_t>(bytes[i]) << 16;
    if (i + 1 < bytes.size()) v |= static_cast<uint8_t>(bytes[i + 1]) << 8;
    if (i + 2 < bytes.size()) v |= static_cast<uint8_t>(bytes[i + 2]);
    out += digits[(v >> 18) & 63];
    out += digits[(v >> 12) & 63];
    out += i + 1 < bytes.size() ? digits[(v >> 6) & 63] : '=';
    out += i + 2 < bytes.size() ? digits[v & 63] : '=';
  }
  return out;
}

}  // namespace

int64_t HeatmapLayout::image_x(int64_t example) const {
  return kMargin + (example % columns) * tile_width;
}
int64_t HeatmapLayout::overlay_x(int64_t example) const {
  return image_x(example) + image_width + kGap;
}
int64_t HeatmapLayout::top(int64_t example) const {
  return kMargin + (example / columns) * tile_height;
}

HeatmapLayout heatmap_layout(const HeatmapGrid& g) {
  check_grid(g);
  HeatmapLayout l;
  l.scale = g.scale;
  l.columns = std::min(g.columns, shown(g));
  l.image_width = g.images.shape()[3] * g.scale;
  l.pair_width = 2 * l.image_width + kGap;
  l.pair_height = g.images.shape()[2] * g.scale;
  l.tile_width = l.pair_width + 2 * kGap;
  l.tile_height = l.pair_height + kCaption + kGap;
  const int64_t rows = (shown(g) + l.columns - 1) / l.columns;
  l.color_bar_left = kMargin + l.columns * l.tile_width + kBarGap;
  l.color_bar_top = kMargin + 2 * kGap;
  l.color_bar_height = std::max(rows * l.tile_height - 4 * kGap, kMinBarHeight);
  const auto bar_width = static_cast<int64_t>(
      std::ceil(io::color_bar_width(heat_color_bar(), double(l.color_bar_height))));
  l.width = l.color_bar_left + bar_width + kMargin;
  l.height = std::max(2 * kMargin + rows * l.tile_height,
                      l.color_bar_top + l.color_bar_height + 2 * kMargin);
  return l;
}

io::Rgb heat_color(double grey, double share) {
  const double alpha = std::clamp(std::abs(share), 0.0, 1.0);
  const io::Rgb& hue = share >= 0 ? kRaises : kLowers;
  const double g = 255.0 * std::clamp(grey, 0.0, 1.0);
  io::Rgb out;
  for (int k = 0; k < 3; ++k)
    out[k] = static_cast<uint8_t>(std::lround((1 - alpha) * g + alpha * hue[k]));
  return out;
}

io::ColorBar heat_color_bar() {
  return {{io::Colormap::RedBlue, -1, 1}, "share of largest |attribution|"};
}

io::Image render_heatmap_png(const HeatmapGrid& g) {
  const HeatmapLayout l = heatmap_layout(g);
  const int64_t h = g.images.shape()[2], w = g.images.shape()[3];
  io::Image img(l.width, l.height);
  const auto all = planes(g);
  for (int64_t n = 0; n < shown(g); ++n) {
    const auto& p = all[n];
    for (int64_t r = 0; r < h; ++r)
      for (int64_t c = 0; c < w; ++c) {
        const double grey = p.grey[r * w + c];
        const uint8_t b = grey_byte(grey);
        img.fill_rect(l.image_x(n) + c * g.scale, l.top(n) + r * g.scale, g.scale, g.scale,
                      {b, b, b});
        img.fill_rect(l.overlay_x(n) + c * g.scale, l.top(n) + r * g.scale, g.scale, g.scale,
                      heat_color(grey, p.share[r * w + c]));
      }
    if (!g.captions.empty())
      img.draw_text(l.image_x(n), l.top(n) + l.pair_height + 4, g.captions[n].digits, {0, 0, 0}, 2);
  }
  io::Canvas canvas(static_cast<int>(l.width), static_cast<int>(l.height));
  canvas.paste(img, 0, 0);
  io::draw_color_bar(canvas, heat_color_bar(), double(l.color_bar_left), double(l.color_bar_top),
                     double(l.color_bar_height));
  img.rgb = canvas.take().pixels;
  return img;
}

std::string render_heatmap_svg(const HeatmapGrid& g) {
  const HeatmapLayout l = heatmap_layout(g);
  const int64_t h = g.images.shape()[2], w = g.images.shape()[3];
  const int64_t title_height = g.title.empty() ? 0 : 20;
  std::string svg = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{}\" viewBox=\"0 {} {} {}\" "
      "font-family=\"sans-serif\" font-size=\"11\">\n<rect x=\"0\" y=\"{}\" width=\"{}\" "
      "height=\"{}\" fill=\"white\"/>\n",
      l.width, l.height + title_height, -title_height, l.width, l.height + title_height,
      -title_height, l.width, l.height + title_height);
  if (!g.title.empty())
    svg += fmt::format("<text x=\"{}\" y=\"-6\" font-size=\"13\">{}</text>\n", kMargin,
                       io::xml_escape(g.title));
  const auto all = planes(g);
  for (int64_t n = 0; n < shown(g); ++n) {
    const auto& p = all[n];
    io::RgbImage grey;  // one pixel per image pixel; the viewer scales it without smoothing
    grey.width = static_cast<int>(w);
    grey.height = static_cast<int>(h);
    for (double v : p.grey) grey.pixels.insert(grey.pixels.end(), 3, grey_byte(v));
    const std::string href = "data:image/png;base64," + base64(io::encode_png(grey));
    svg += fmt::format("<g class=\"example\" data-example=\"{}\">\n", n);
    for (int64_t x0 : {l.image_x(n), l.overlay_x(n)})
      svg += fmt::format(
          "<image x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" image-rendering=\"pixelated\" "
          "style=\"image-rendering:pixelated\" preserveAspectRatio=\"none\" href=\"{}\"/>\n",
          x0, l.top(n), l.image_width, l.pair_height, href);
    for (int64_t r = 0; r < h; ++r)
      for (int64_t c = 0; c < w; ++c) {
        const double share = p.share[r * w + c];
        if (std::abs(share) < 0.01) continue;  // invisible; keeps the file small
        svg += fmt::format(
            "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\" "
            "fill-opacity=\"{:.3f}\"/>\n",
            l.overlay_x(n) + c * g.scale, l.top(n) + r * g.scale, g.scale, g.scale,
            share > 0 ? "#d73027" : "#4575b4", std::abs(share));
      }
    if (!g.captions.empty())
      svg += fmt::format("<text x=\"{}\" y=\"{}\">{}</text>\n", l.image_x(n),
                         l.top(n) + l.pair_height + 12, io::xml_escape(g.captions[n].text));
    svg += "</g>\n";
  }
  svg += io::color_bar_svg(heat_color_bar(), double(l.color_bar_left), double(l.color_bar_top),
                           double(l.color_bar_height), "attribution-scale");
  svg += "</svg>\n";
  return svg;
}

void write_heatmaps(const std::filesystem::path& folder, const HeatmapGrid& grid) {
  std::filesystem::create_directories(folder);
  io::write_png(folder / "heatmaps.png", render_heatmap_png(grid));
  io::AtomicFileWriter svg(folder / "heatmaps.svg");
  svg.write(render_heatmap_svg(grid));
  svg.commit();
}

}  // namespace scidl::explain
