#include "scidl/data/augment.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <numbers>

#include "scidl/io/png.h"

namespace scidl::data {

namespace {

double uniform_in(Generator& g, double lo, double hi) { return lo + (hi - lo) * g.next_double(); }

// Output pixel (x, y) samples the source at (a*x + b*y + c, d*x + e*y + f).
struct InverseMap {
  double a = 1, b = 0, c = 0, d = 0, e = 1, f = 0;
  bool identity() const { return a == 1 && b == 0 && c == 0 && d == 0 && e == 1 && f == 0; }
};

InverseMap draw_geometry(const AugmentOptions& o, Generator& g, int64_t h, int64_t w) {
  const bool flip = o.flip > 0 && g.next_double() < o.flip;
  const double angle = o.rotation > 0 ? uniform_in(g, -o.rotation, o.rotation) : 0;
  const double zoom = o.scale > 0 ? uniform_in(g, 1 - o.scale, 1 + o.scale) : 1;
  double dx = o.translate > 0 ? uniform_in(g, -o.translate, o.translate) * w : 0;
  double dy = o.translate > 0 ? uniform_in(g, -o.translate, o.translate) * h : 0;
  if (o.pad_crop > 0) {  // a crop of the padded image = an integer shift with zero fill
    const auto span = static_cast<uint64_t>(2 * o.pad_crop + 1);
    dx += static_cast<double>(static_cast<int64_t>(g.next_u64() % span) - o.pad_crop);
    dy += static_cast<double>(static_cast<int64_t>(g.next_u64() % span) - o.pad_crop);
  }
  // Forward: flip, then rotate and zoom about the centre, then shift. Inverse: undo in reverse.
  const double cx = (w - 1) / 2.0, cy = (h - 1) / 2.0;
  const double rad = angle * std::numbers::pi / 180.0;
  const double cs = std::cos(rad) / zoom, sn = std::sin(rad) / zoom;
  InverseMap m;
  // p_src_centered = R(-angle)/zoom * (p_out - centre - shift); then unflip.
  m.a = cs, m.b = sn, m.d = -sn, m.e = cs;
  const double ox = -cx - dx, oy = -cy - dy;
  m.c = cs * ox + sn * oy + cx;
  m.f = -sn * ox + cs * oy + cy;
  if (flip) {  // x_src -> (w - 1) - x_src
    m.a = -m.a, m.b = -m.b, m.c = (w - 1) - m.c;
  }
  return m;
}

template <typename T>
void warp_plane(const T* src, T* dst, int64_t h, int64_t w, const InverseMap& m) {
  for (int64_t y = 0; y < h; ++y)
    for (int64_t x = 0; x < w; ++x) {
      const double sx = m.a * x + m.b * y + m.c, sy = m.d * x + m.e * y + m.f;
      const double fx = std::floor(sx), fy = std::floor(sy);
      const auto x0 = static_cast<int64_t>(fx), y0 = static_cast<int64_t>(fy);
      const double tx = sx - fx, ty = sy - fy;
      auto at = [&](int64_t yy, int64_t xx) -> double {
        return (xx < 0 || yy < 0 || xx >= w || yy >= h) ? 0.0
                                                        : static_cast<double>(src[yy * w + xx]);
      };
      double v = (1 - ty) * ((1 - tx) * at(y0, x0) + tx * at(y0, x0 + 1)) +
                 ty * ((1 - tx) * at(y0 + 1, x0) + tx * at(y0 + 1, x0 + 1));
      dst[y * w + x] = static_cast<T>(v);
    }
}

}  // namespace

AugmentOptions parse_augment_options(const nlohmann::json& j, const std::string& where) {
  static const std::vector<std::string> keys{"flip",      "pad_crop", "rotation", "scale",
                                             "translate", "noise",    "erase"};
  if (!j.is_object())
    throw std::invalid_argument(
        fmt::format("{}: expected a table like {{ flip = 0.5, pad_crop = 2 }}", where));
  AugmentOptions o;
  for (const auto& [k, v] : j.items()) {
    if (std::find(keys.begin(), keys.end(), k) == keys.end())
      throw std::invalid_argument(
          fmt::format("{}: unknown key '{}'; valid keys are {}", where, k, fmt::join(keys, ", ")));
    if (!v.is_number() || (k == "pad_crop" && !v.is_number_integer()))
      throw std::invalid_argument(
          fmt::format("{}.{}: expected {}, got {}", where, k,
                      k == "pad_crop" ? "a whole number of pixels" : "a number", v.dump()));
  }
  o.flip = j.value("flip", 0.0);
  o.pad_crop = j.value("pad_crop", int64_t{0});
  o.rotation = j.value("rotation", 0.0);
  o.scale = j.value("scale", 0.0);
  o.translate = j.value("translate", 0.0);
  o.noise = j.value("noise", 0.0);
  o.erase = j.value("erase", 0.0);
  try {
    Augmenter check(o);
  } catch (const std::invalid_argument& e) {
    throw std::invalid_argument(fmt::format("{}: {}", where, e.what()));
  }
  return o;
}

Augmenter::Augmenter(AugmentOptions o, uint64_t seed) : o_(o), gen_(seed) {
  if (o.flip < 0 || o.flip > 1 || o.erase < 0 || o.erase > 1)
    throw std::invalid_argument(fmt::format(
        "augment: flip ({}) and erase ({}) are probabilities in [0, 1]", o.flip, o.erase));
  if (o.pad_crop < 0 || o.rotation < 0 || o.scale < 0 || o.scale >= 1 || o.translate < 0 ||
      o.noise < 0)
    throw std::invalid_argument(
        "augment: pad_crop, rotation, translate and noise must be >= 0 and scale in [0, 1)");
}

Tensor Augmenter::operator()(const Tensor& images) {
  if (images.dim() != 4)
    throw std::invalid_argument(fmt::format("augment: expected images [N, C, H, W], got shape {}",
                                            shape_str(images.shape())));
  Tensor in = images.contiguous();
  Tensor out = in.clone();
  const int64_t n = in.shape()[0], c = in.shape()[1], h = in.shape()[2], w = in.shape()[3];
  dispatch_float(in.dtype(), [&]<typename T>() {
    const T* src = in.data<T>();
    T* dst = out.data<T>();
    for (int64_t i = 0; i < n; ++i) {
      const InverseMap m = draw_geometry(o_, gen_, h, w);
      for (int64_t ch = 0; ch < c && !m.identity(); ++ch)
        warp_plane(src + (i * c + ch) * h * w, dst + (i * c + ch) * h * w, h, w, m);
      T* img = dst + i * c * h * w;
      if (o_.noise > 0)
        for (int64_t k = 0; k < c * h * w; ++k)
          img[k] += static_cast<T>(o_.noise * gen_.next_normal());
      if (o_.erase > 0 && gen_.next_double() < o_.erase) {
        const double area = uniform_in(gen_, 0.02, 0.33) * h * w;
        const double aspect = std::exp(uniform_in(gen_, std::log(0.3), std::log(1 / 0.3)));
        const auto eh = std::clamp<int64_t>(std::llround(std::sqrt(area * aspect)), 1, h);
        const auto ew = std::clamp<int64_t>(std::llround(std::sqrt(area / aspect)), 1, w);
        const auto y0 = static_cast<int64_t>(gen_.next_u64() % static_cast<uint64_t>(h - eh + 1));
        const auto x0 = static_cast<int64_t>(gen_.next_u64() % static_cast<uint64_t>(w - ew + 1));
        for (int64_t ch = 0; ch < c; ++ch)
          for (int64_t y = y0; y < y0 + eh; ++y)
            for (int64_t x = x0; x < x0 + ew; ++x)
              img[(ch * h + y) * w + x] = static_cast<T>(gen_.next_double());
      }
    }
  });
  return out;
}

void write_augmentation_grid(const std::filesystem::path& path, const Tensor& images,
                             Augmenter& augmenter, int64_t rows, int64_t variants, int64_t scale) {
  if (images.dim() != 4 || images.shape()[0] < 1)
    throw std::invalid_argument(
        fmt::format("augmentation grid: expected images [N, C, H, W], got shape {}",
                    shape_str(images.shape())));
  rows = std::min(rows, images.shape()[0]);
  const int64_t h = images.shape()[2], w = images.shape()[3], gap = 4;
  const int64_t cell_w = w * scale + gap, cell_h = h * scale + gap;
  io::Image canvas((variants + 1) * cell_w + gap, rows * cell_h + gap, {255, 255, 255});
  for (int64_t r = 0; r < rows; ++r) {
    Tensor one = images.as_strided(
        {1, images.shape()[1], h, w},
        {images.strides()[0], images.strides()[1], images.strides()[2], images.strides()[3]},
        images.offset() + r * images.strides()[0]);
    for (int64_t v = 0; v <= variants; ++v) {
      Tensor shown = v == 0 ? one.contiguous() : augmenter(one);
      auto values = shown.to(DType::Float32).contiguous().to_vector<float>();  // channel 0
      canvas.draw_grey(gap + v * cell_w, gap + r * cell_h, values.data(), h, w, scale);
    }
  }
  io::write_png(path, canvas);
}

}  // namespace scidl::data
