// Batch normalisation's training passes, fused: each thread takes whole channels, and all
// passes over a channel (N planes of S values: 400 KB for 128 images of 28 x 28) run while it
// is in L2. Composed from reductions and elementwise ops, the forward and backward were seven
// trips through memory each and 37% of a training step of examples/fashion_mnist/best.toml.
#include <algorithm>
#include <cmath>

#include "scidl/backend/cpu/cpu_backend.h"
#include "scidl/backend/cpu/isa_region.h"

SCIDL_ISA_BEGIN

namespace {

struct Layout {
  int64_t n, c, s;  // [N, C, S]
};

bool fusable(const Tensor& x) {
  return x.dim() >= 2 && x.is_contiguous() &&
         (x.dtype() == DType::Float32 || x.dtype() == DType::Float64);
}

Layout layout_of(const Tensor& x) {
  return {x.size(0), x.size(1), x.numel() / std::max<int64_t>(1, x.size(0) * x.size(1))};
}

bool per_channel_ok(const Tensor& t, const Tensor& x) {
  return !t.defined() ||
         (t.dim() == 1 && t.size(0) == x.size(1) && t.is_contiguous() && t.dtype() == x.dtype());
}

// Calls f(offset) for every plane of channel ch. The bodies take __restrict pointers to the
// plane: through the captured base pointers GCC vectorised the loops into gathers (4x slower).
template <typename F>
void for_planes(const Layout& l, int64_t ch, F&& f) {
  for (int64_t n = 0; n < l.n; ++n) f((n * l.c + ch) * l.s);
}

}  // namespace

bool CpuBackend::batch_norm_forward(const Tensor& x, const Tensor& weight, const Tensor& bias,
                                    double eps, const Tensor& y, const Tensor& xhat,
                                    const Tensor& mean, const Tensor& var, const Tensor& invstd) {
  if (!fusable(x) || !y.is_contiguous() || !xhat.is_contiguous() || !per_channel_ok(weight, x) ||
      !per_channel_ok(bias, x) || !per_channel_ok(mean, x) || !per_channel_ok(var, x) ||
      !per_channel_ok(invstd, x))
    return false;
  const Layout l = layout_of(x);
  const double count = static_cast<double>(l.n * l.s);
  dispatch_float(x.dtype(), [&]<typename T>() {
    const T* px = x.data<T>();
    const T* pw = weight.defined() ? weight.data<T>() : nullptr;
    const T* pb = bias.defined() ? bias.data<T>() : nullptr;
    T *py = y.data<T>(), *ph = xhat.data<T>(), *pm = mean.data<T>(), *pv = var.data<T>(),
      *pi = invstd.data<T>();
#pragma omp parallel for schedule(static) if (x.numel() >= 32768)
    for (int64_t ch = 0; ch < l.c; ++ch) {
      // Two passes for the statistics (the mean, then the centred squares), in double, as the
      // composed op's sums: a one-pass sum of squares loses digits when |mean| >> std.
      double sum = 0;
      for_planes(l, ch, [&](int64_t at) {
        const T* __restrict xs = px + at;
        double s = 0;
#pragma omp simd reduction(+ : s)
        for (int64_t i = 0; i < l.s; ++i) s += xs[i];
        sum += s;
      });
      const double m = sum / count;
      double sq = 0;
      for_planes(l, ch, [&](int64_t at) {
        const T* __restrict xs = px + at;
        double s = 0;
#pragma omp simd reduction(+ : s)
        for (int64_t i = 0; i < l.s; ++i) {
          const double d = xs[i] - m;
          s += d * d;
        }
        sq += s;
      });
      const double v = sq / count;
      const T mt = static_cast<T>(m), it = static_cast<T>(1.0 / std::sqrt(v + eps));
      const T w = pw ? pw[ch] : T(1), b = pb ? pb[ch] : T(0);
      pm[ch] = mt;
      pv[ch] = static_cast<T>(v);
      pi[ch] = it;
      for_planes(l, ch, [&](int64_t at) {
        const T* __restrict xs = px + at;
        T* __restrict hs = ph + at;
        T* __restrict ys = py + at;
#pragma omp simd
        for (int64_t i = 0; i < l.s; ++i) {
          const T h = (xs[i] - mt) * it;
          hs[i] = h;
          ys[i] = h * w + b;
        }
      });
    }
  });
  return true;
}

bool CpuBackend::batch_norm_backward(const Tensor& g, const Tensor& xhat, const Tensor& scale,
                                     const Tensor& grad_x, const Tensor& sum_g,
                                     const Tensor& sum_g_xhat) {
  if (!fusable(g) || !xhat.is_contiguous() || xhat.dtype() != g.dtype() ||
      xhat.shape() != g.shape() || (grad_x.defined() && !grad_x.is_contiguous()) ||
      !per_channel_ok(scale, g) || !per_channel_ok(sum_g, g) || !per_channel_ok(sum_g_xhat, g))
    return false;
  const Layout l = layout_of(g);
  const double count = static_cast<double>(l.n * l.s);
  dispatch_float(g.dtype(), [&]<typename T>() {
    const T *pg = g.data<T>(), *ph = xhat.data<T>(), *pc = scale.data<T>();
    T* px = grad_x.defined() ? grad_x.data<T>() : nullptr;
    T *psg = sum_g.data<T>(), *psh = sum_g_xhat.data<T>();
#pragma omp parallel for schedule(static) if (g.numel() >= 32768)
    for (int64_t ch = 0; ch < l.c; ++ch) {
      double sg = 0, sh = 0;
      for_planes(l, ch, [&](int64_t at) {
        const T* __restrict gs = pg + at;
        const T* __restrict hs = ph + at;
        double a = 0, b = 0;
#pragma omp simd reduction(+ : a, b)
        for (int64_t i = 0; i < l.s; ++i) {
          a += gs[i];
          b += static_cast<double>(gs[i]) * hs[i];
        }
        sg += a;
        sh += b;
      });
      psg[ch] = static_cast<T>(sg);
      psh[ch] = static_cast<T>(sh);
      if (!px) continue;
      const T mean_g = static_cast<T>(sg / count), mean_gh = static_cast<T>(sh / count);
      const T c = pc[ch];
      for_planes(l, ch, [&](int64_t at) {
        const T* __restrict gs = pg + at;
        const T* __restrict hs = ph + at;
        T* __restrict out = px + at;
#pragma omp simd
        for (int64_t i = 0; i < l.s; ++i) out[i] = (gs[i] - mean_g - hs[i] * mean_gh) * c;
      });
    }
  });
  return true;
}

SCIDL_ISA_END
