#include "scidl/train/callbacks/tensorboard_images.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "scidl/autograd/grad_mode.h"
#include "scidl/io/plot_canvas.h"
#include "scidl/ops/shape_ops.h"

namespace scidl::train {

namespace {

constexpr int kColumns = 4, kPad = 6, kLine = 16, kShownSide = 112;  // pixels

// The first n examples' scores, in eval mode.
Tensor scores_of(nn::Module& model, const data::Dataset& d, int64_t n) {
  NoGradGuard no_grad;
  const bool was_training = model.is_training();
  model.eval();
  TensorDict inputs{{"x", slice(d.x, 0, 0, n)}};
  for (const auto& [name, t] : d.inputs) inputs.set(name, slice(t, 0, 0, n));
  Tensor scores = model.forward_batch(inputs);
  model.train(was_training);
  return scores;
}

// Example i of x [N, C, H, W] into the canvas at (left, top), each pixel `scale` wide.
void draw_example(io::Canvas& c, const std::vector<double>& x, const Shape& shape, int64_t i,
                  int left, int top, int scale) {
  const int64_t channels = shape[1], h = shape[2], w = shape[3], plane = h * w;
  const double* p = x.data() + i * channels * plane;
  double lo = INFINITY, hi = -INFINITY;
  for (int64_t k = 0; k < channels * plane; ++k)
    if (std::isfinite(p[k])) lo = std::min(lo, p[k]), hi = std::max(hi, p[k]);
  const double range = hi > lo ? hi - lo : 1.0;
  auto byte = [&](double v) {
    return static_cast<uint8_t>(std::lround(255 * std::clamp((v - lo) / range, 0.0, 1.0)));
  };
  for (int64_t r = 0; r < h; ++r)
    for (int64_t k = 0; k < w; ++k) {
      io::Rgb color;
      if (channels == 3) {
        for (int ch = 0; ch < 3; ++ch) color[ch] = byte(p[ch * plane + r * w + k]);
      } else {
        double mean = 0;
        for (int64_t ch = 0; ch < channels; ++ch) mean += p[ch * plane + r * w + k] / channels;
        color.fill(byte(mean));
      }
      c.fill_rect(left + k * scale, top + r * scale, scale, scale, color);
    }
}

}  // namespace

std::optional<io::RgbImage> prediction_examples_image(nn::Module& model, const data::Dataset& d,
                                                      int64_t count) {
  if (d.graphs || !d.x.defined() || d.x.dim() != 4 || d.size() == 0 || count < 1)
    return std::nullopt;
  const int64_t n = std::min(count, d.size());
  const Tensor scores = scores_of(model, d, n);
  if (scores.dim() != 2 || scores.shape()[0] != n || scores.shape()[1] < 2) return std::nullopt;
  const int64_t classes = scores.shape()[1];
  const auto s = scores.to_vector<double>();
  std::vector<double> truth;
  if (d.y.defined() && d.y.numel() >= n && d.y.numel() == d.size())
    truth = slice(reshape(d.y, {d.size()}), 0, 0, n).to_vector<double>();

  const Shape& shape = d.x.shape();
  const int scale = std::max<int>(1, kShownSide / static_cast<int>(std::max(shape[2], shape[3])));
  const int image_w = static_cast<int>(shape[3]) * scale,
            image_h = static_cast<int>(shape[2]) * scale;
  const int tile_w = std::max(image_w, 12 * 7) + 2 * kPad, tile_h = image_h + 2 * kLine + 2 * kPad;
  const int columns = static_cast<int>(std::min<int64_t>(kColumns, n));
  const int rows = static_cast<int>((n + columns - 1) / columns);
  io::Canvas c(columns * tile_w, rows * tile_h);
  const auto x = slice(d.x, 0, 0, n).to_vector<double>();
  for (int64_t i = 0; i < n; ++i) {
    const int left = static_cast<int>(i % columns) * tile_w + kPad;
    const int top = static_cast<int>(i / columns) * tile_h + kPad;
    draw_example(c, x, shape, i, left, top, scale);
    const double* row = s.data() + i * classes;
    const int64_t predicted = std::max_element(row, row + classes) - row;
    const bool known = !truth.empty();
    const bool wrong = known && std::lround(truth[i]) != predicted;
    const io::Rgb black{0, 0, 0}, red{200, 0, 0};
    c.text(fmt::format("pred {}", predicted), left, top + image_h + kLine - 2, 0,
           wrong ? red : black);
    if (known)
      c.text(fmt::format("true {}", std::lround(truth[i])), left, top + image_h + 2 * kLine - 2, 0,
             black);
  }
  return c.take();
}

}  // namespace scidl::train
