#include "scidl/backend/cpu/conv_kernels.h"

#include <omp.h>

#include <algorithm>
#include <stdexcept>
#include <vector>

#include "scidl/backend/cpu/isa_region.h"
#include "scidl/backend/cpu/simd16.h"

SCIDL_ISA_BEGIN
namespace conv_kernels {

namespace {

using namespace simd;

// Forward and input-gradient micro-tile: kRows output channels x kCols wide-row positions in
// 24 zmm accumulators. Per tap: 3 unaligned loads of the shifted input, 8 weight broadcasts
// and 24 FMAs. 8 rows divide the channel counts CNNs use (6 rows, as in the dense kernels,
// would waste a quarter of a 32-channel layer).
// AVX2 (16 ymm registers): 4 channels x 16 positions, 8 accumulators.
#if SCIDL_CPU_ISA_LEVEL == 2
constexpr int kRows = 8;
constexpr int kVec = 3;
#else
constexpr int kRows = 4;
constexpr int kVec = 1;
#endif
constexpr int64_t kCols = 16 * kVec;
// Taps per depth block of the forward and input-gradient products (see shift_gemm).
constexpr int64_t kDepth = 64;
// Weight-gradient micro-tile: kTaps taps x up to 64 output channels (24 zmm accumulators);
// per position 4 loads of gz^T, 6 input broadcasts, 24 FMAs.
// AVX2: 6 taps x 16 channels, 12 accumulators.
constexpr int kTaps = 6;
#if SCIDL_CPU_ISA_LEVEL == 2
constexpr int kPanelVec = 4;
#else
constexpr int kPanelVec = 1;
#endif
constexpr int64_t kPanel = 16 * kPanelVec;
// Positions per block of the weight gradient: a block of gz^T (kBlock x 64 floats, 16 KB)
// stays in L1 while every tap tile uses it.
constexpr int64_t kBlock = 64;

int64_t round_up(int64_t n, int64_t m) { return (n + m - 1) / m * m; }

// A stride-1 "valid" convolution with kh x kw taps over an already padded input
// [channels, height, width], computed on wide rows (see the header).
struct Wide {
  int64_t channels, height, width, kh, kw;
  int64_t plane() const { return height * width; }
  int64_t positions() const { return (height - kh + 1) * width; }  // p = oh * width + ow
  // Floats of a padded input buffer: tiles read up to kBlock (> kCols) positions past the
  // last one, kw - 1 further at the last tap; those reads must land on zeros.
  int64_t buffer_size() const { return channels * plane() + kw + 2 * kBlock; }
};

// off[k] = where tap k = (c, i, j) finds its operand: c * plane + i * width + j; `count` may
// exceed the taps (a whole number of tiles): the extra ones read offset 0, and their results
// are dropped.
std::vector<int32_t> tap_offsets(const Wide& w, int64_t count) {
  std::vector<int32_t> off(static_cast<size_t>(count), 0);
  size_t k = 0;
  for (int64_t c = 0; c < w.channels; ++c)
    for (int64_t i = 0; i < w.kh; ++i)
      for (int64_t j = 0; j < w.kw; ++j)
        off[k++] = static_cast<int32_t>(c * w.plane() + i * w.width + j);
  return off;
}

// acc[r][j] += scalar(r) * bv[j]: one step of a register tile's outer-product update.
template <int R, int V, typename Scalar>
inline void rank1_update(F16 (&acc)[R][V], const F16 (&bv)[V], Scalar scalar) {
#pragma GCC unroll 12
  for (int r = 0; r < R; ++r) {
    const F16 s = set16(scalar(r));
#pragma GCC unroll 4
    for (int j = 0; j < V; ++j) acc[r][j] = fmadd(s, bv[j], acc[r][j]);
  }
}

// c[r * ldc + 16 j ..] = acc[r][j].
template <int R, int V>
inline void store_tile(const F16 (&acc)[R][V], float* c, int64_t ldc) {
#pragma GCC unroll 12
  for (int r = 0; r < R; ++r)
#pragma GCC unroll 4
    for (int j = 0; j < V; ++j) store16(c + r * ldc + 16 * j, acc[r][j]);
}

// dst[c, top + r, left + s] = src[c, r, s], times (mask[c, r, s] > 0) when mask is given; the
// rest of dst (zeroed once by the caller) is left alone.
void pad_into(const float* src, const float* mask, int64_t channels, int64_t rows, int64_t cols,
              float* dst, int64_t dst_rows, int64_t dst_cols, int64_t top, int64_t left) {
  for (int64_t c = 0; c < channels; ++c)
    for (int64_t r = 0; r < rows; ++r) {
      const int64_t from = (c * rows + r) * cols;
      float* d = dst + (c * dst_rows + top + r) * dst_cols + left;
      if (mask)
        for (int64_t s = 0; s < cols; ++s) d[s] = mask[from + s] > 0.0f ? src[from + s] : 0.0f;
      else
        std::copy(src + from, src + from + cols, d);
    }
}

// out[r, 0..kCols) (=|+=) sum_k wp[k * kRows + r] * in[off[k] + 0..kCols), r < kRows.
void shift_tile(int64_t K, const int32_t* off, const float* in, const float* wp, float* out,
                int64_t ldo, bool accumulate) {
  F16 acc[kRows][kVec];
#pragma GCC unroll 8
  for (int r = 0; r < kRows; ++r)
#pragma GCC unroll 3
    for (int j = 0; j < kVec; ++j)
      acc[r][j] = accumulate ? load16(out + r * ldo + 16 * j) : zero16();
  for (int64_t k = 0; k < K; ++k, wp += kRows) {
    const float* b = in + off[k];
    F16 bv[kVec];
#pragma GCC unroll 3
    for (int j = 0; j < kVec; ++j) bv[j] = load16(b + 16 * j);
    rank1_update(acc, bv, [&](int r) { return wp[r]; });
  }
  store_tile(acc, out, ldo);
}

// out[m, p] = sum_k w[m, k] in[off[k] + p] for m < m_tiles * kRows and p < the positions
// rounded up to kCols; wp holds w packed as [m_tiles][K][kRows]. The taps go in depth blocks
// of whole channels (about kDepth taps): a block's packed weights for every tile of channels
// (kDepth x 64 channels: 16 KB) and its operand rows for a band of kCols positions stay in L1
// while the tiles of channels take turns; with all taps at once both spilled to L2.
void shift_gemm(const Wide& w, const int32_t* off, int64_t K, const float* in, const float* wp,
                int64_t m_tiles, float* out, int64_t ldo) {
  const int64_t n = w.positions(), taps_per_channel = w.kh * w.kw;
  const int64_t depth = std::max<int64_t>(1, kDepth / taps_per_channel) * taps_per_channel;
  for (int64_t k0 = 0; k0 < K; k0 += depth) {
    const int64_t kc = std::min(depth, K - k0);
    for (int64_t p0 = 0; p0 < n; p0 += kCols)
      for (int64_t t = 0; t < m_tiles; ++t)
        shift_tile(kc, off + k0, in + p0, wp + (t * K + k0) * kRows, out + t * kRows * ldo + p0,
                   ldo, k0 > 0);
  }
}

// c[r, 0..16 NV) += sum_{p < P} in[off[r] + p] * b[p, 0..16 NV), r < kTaps.
template <int NV>
void dw_tile(int64_t P, const int32_t* off, const float* in, const float* b, int64_t ldb, float* c,
             int64_t ldc) {
  const float* a[kTaps];
#pragma GCC unroll 6
  for (int r = 0; r < kTaps; ++r) a[r] = in + off[r];
  F16 acc[kTaps][NV];
#pragma GCC unroll 6
  for (int r = 0; r < kTaps; ++r)
#pragma GCC unroll 4
    for (int j = 0; j < NV; ++j) acc[r][j] = load16(c + r * ldc + 16 * j);
  for (int64_t p = 0; p < P; ++p, b += ldb) {
    F16 bv[NV];
#pragma GCC unroll 4
    for (int j = 0; j < NV; ++j) bv[j] = load16(b + 16 * j);
    rank1_update(acc, bv, [&](int r) { return a[r][p]; });
  }
  store_tile(acc, c, ldc);
}

using DwTile = void (*)(int64_t, const int32_t*, const float*, const float*, int64_t, float*,
                        int64_t);
#if SCIDL_CPU_ISA_LEVEL == 2
constexpr DwTile kDwTiles[kPanelVec] = {&dw_tile<1>, &dw_tile<2>, &dw_tile<3>, &dw_tile<4>};
#else
constexpr DwTile kDwTiles[kPanelVec] = {&dw_tile<1>};
#endif

// dwt[k, m] += sum_{p < np} in[off[k] + p] gzt[p, m] for k < taps (a multiple of kTaps) and
// m < mp (a multiple of 16); np is a multiple of kBlock.
void dw_accumulate(int64_t np, const int32_t* off, int64_t taps, const float* in, const float* gzt,
                   int64_t mp, float* dwt) {
  for (int64_t p0 = 0; p0 < np; p0 += kBlock)
    for (int64_t c0 = 0; c0 < mp; c0 += kPanel) {
      const DwTile tile = kDwTiles[std::min<int64_t>(kPanelVec, (mp - c0) / 16) - 1];
      for (int64_t k0 = 0; k0 < taps; k0 += kTaps)
        tile(kBlock, off + k0, in + p0, gzt + p0 * mp + c0, mp, dwt + k0 * mp + c0, mp);
    }
}

}  // namespace

void forward(const Conv2dDims& d, const float* x, const float* w, const float* b, float* y,
             bool relu) {
  const Conv2dGeometry& g = d.geometry;
  const Wide wide{d.c_in, d.out_height + g.kernel_h - 1, d.out_width + g.kernel_w - 1, g.kernel_h,
                  g.kernel_w};
  const int64_t K = d.c_in * g.kernel_h * g.kernel_w;
  const int64_t m_tiles = (d.c_out + kRows - 1) / kRows;
  thread_local Scratch weight_buffer;
  float* wp = weight_buffer.get(static_cast<size_t>(m_tiles * K * kRows));
  for (int64_t t = 0; t < m_tiles; ++t)
    for (int64_t k = 0; k < K; ++k)
      for (int r = 0; r < kRows; ++r) {
        const int64_t m = t * kRows + r;
        wp[(t * K + k) * kRows + r] = m < d.c_out ? w[m * K + k] : 0.0f;
      }
  const std::vector<int32_t> off = tap_offsets(wide, K);
  const int64_t ldo = round_up(wide.positions(), kCols);
  const int64_t image = d.c_in * d.height * d.width, out_plane = d.out_height * d.out_width;
#pragma omp parallel num_threads(simd::image_threads(d.batch))
  {
    thread_local Scratch in_buffer, out_buffer;
    float* in = in_buffer.zeroed(wide.buffer_size());
    float* out = out_buffer.get(static_cast<size_t>(m_tiles * kRows * ldo));
#pragma omp for schedule(static)
    for (int64_t n = 0; n < d.batch; ++n) {
      pad_into(x + n * image, nullptr, d.c_in, d.height, d.width, in, wide.height, wide.width,
               g.pad_top, g.pad_left);
      shift_gemm(wide, off.data(), K, in, wp, m_tiles, out, ldo);
      float* yn = y + n * d.c_out * out_plane;
      for (int64_t m = 0; m < d.c_out; ++m) {
        const float bias = b ? b[m] : 0.0f;
        for (int64_t oh = 0; oh < d.out_height; ++oh) {
          const float* src = out + m * ldo + oh * wide.width;
          float* dst = yn + m * out_plane + oh * d.out_width;
          if (relu)  // v < 0 ? 0 : v, as the elementwise ReLU
            for (int64_t ow = 0; ow < d.out_width; ++ow) {
              const float v = src[ow] + bias;
              dst[ow] = v < 0.0f ? 0.0f : v;
            }
          else
            for (int64_t ow = 0; ow < d.out_width; ++ow) dst[ow] = src[ow] + bias;
        }
      }
    }
  }
}

namespace {

// Both backward passes, image by image, each image's output gradient read (and masked) once:
// gx = the input gradient (when not null), gw and gb = the weight and bias gradients (gw not
// null; gb may be null).
//
// The input gradient w.r.t. the padded input (hp x wp) is the valid convolution of gy, padded
// by kh - 1 and kw - 1 on every side, with the weights transposed and flipped: one shifted
// GEMM over that padded gradient. The weight gradient dW^T[k, m] = sum_p x_pad[off(k) + p]
// gz[m, p] runs over gz transposed onto the input's wide rows (rows of discarded columns
// stay zero), taken from the same padded gradient.
void backward(const Conv2dDims& d, const float* gy, const float* relu_y, const float* x,
              const float* w, float* gx, float* gw, float* gb) {
  const Conv2dGeometry& g = d.geometry;
  const int64_t kh = g.kernel_h, kw = g.kernel_w;
  const Wide input{d.c_in, d.out_height + kh - 1, d.out_width + kw - 1, kh, kw};
  const Wide grad{d.c_out, input.height + kh - 1, input.width + kw - 1, kh, kw};
  const int64_t image = d.c_in * d.height * d.width, out_plane = d.out_height * d.out_width;
  const int threads = simd::image_threads(d.batch);

  // The input gradient's packed weights [m_tiles][(co, i, j)][kRows], flipped, and offsets.
  const int64_t K_data = d.c_out * kh * kw, m_tiles = (d.c_in + kRows - 1) / kRows;
  thread_local Scratch weight_buffer;
  float* wt = nullptr;
  std::vector<int32_t> off_data;
  if (gx) {
    wt = weight_buffer.get(static_cast<size_t>(m_tiles * K_data * kRows));
    for (int64_t t = 0; t < m_tiles; ++t)
      for (int64_t co = 0; co < d.c_out; ++co)
        for (int64_t i = 0; i < kh; ++i)
          for (int64_t j = 0; j < kw; ++j)
            for (int r = 0; r < kRows; ++r) {
              const int64_t ci = t * kRows + r, k = (co * kh + i) * kw + j;
              wt[(t * K_data + k) * kRows + r] =
                  ci < d.c_in ? w[((co * d.c_in + ci) * kh + kh - 1 - i) * kw + kw - 1 - j] : 0.0f;
            }
    off_data = tap_offsets(grad, K_data);
  }
  const int64_t ldo = round_up(grad.positions(), kCols);

  // The weight gradient: per-thread sums of dW^T [taps, mp] and of the bias [mp].
  const int64_t K = d.c_in * kh * kw, taps = round_up(K, kTaps);
  const int64_t mp = round_up(d.c_out, 16);  // columns of gz^T and of dW^T
  const int64_t np = round_up(input.positions(), kBlock);
  std::vector<int32_t> off_weights;
  thread_local Scratch partial_buffer;
  float* partials = nullptr;
  if (gw) {
    off_weights = tap_offsets(input, taps);
    partials = partial_buffer.get(static_cast<size_t>(threads * (taps + 1) * mp));
  }
#pragma omp parallel num_threads(threads)
  {
    // The team may be smaller than asked for (a call from inside a parallel region): the final
    // sums go by its real size.
    const int t = omp_get_thread_num(), team = omp_get_num_threads();
    thread_local Scratch grad_buffer, out_buffer, in_buffer, gzt_buffer;
    float* gpad = grad_buffer.zeroed(grad.buffer_size());
    float* out = gx ? out_buffer.get(static_cast<size_t>(m_tiles * kRows * ldo)) : nullptr;
    float* in = gw ? in_buffer.zeroed(input.buffer_size()) : nullptr;
    float* gzt = gw ? gzt_buffer.zeroed(np * mp) : nullptr;
    float* dwt = gw ? partials + t * (taps + 1) * mp : nullptr;
    if (gw) std::fill(dwt, dwt + (taps + 1) * mp, 0.0f);
#pragma omp for schedule(static)
    for (int64_t n = 0; n < d.batch; ++n) {
      const int64_t at = n * d.c_out * out_plane;
      pad_into(gy + at, relu_y ? relu_y + at : nullptr, d.c_out, d.out_height, d.out_width, gpad,
               grad.height, grad.width, kh - 1, kw - 1);
      if (gx) {
        shift_gemm(grad, off_data.data(), K_data, gpad, wt, m_tiles, out, ldo);
        float* gxn = gx + n * image;
        for (int64_t c = 0; c < d.c_in; ++c)
          for (int64_t r = 0; r < d.height; ++r) {
            const float* src = out + c * ldo + (r + g.pad_top) * grad.width + g.pad_left;
            std::copy(src, src + d.width, gxn + (c * d.height + r) * d.width);
          }
      }
      if (gw) {
        pad_into(x + n * image, nullptr, d.c_in, d.height, d.width, in, input.height, input.width,
                 g.pad_top, g.pad_left);
        float* bias_sum = dwt + taps * mp;
        for (int64_t oh = 0; oh < d.out_height; ++oh) {
          const float* row = gpad + (kh - 1 + oh) * grad.width + kw - 1;  // channel 0's row oh
          for (int64_t m = 0; m < d.c_out; ++m) {
            const float* rm = row + m * grad.plane();
            float s = 0.0f;
#pragma omp simd reduction(+ : s)
            for (int64_t ow = 0; ow < d.out_width; ++ow) s += rm[ow];
            bias_sum[m] += s;
          }
          simd::transpose(row, d.c_out, d.out_width, grad.plane(), gzt + oh * input.width * mp, mp);
        }
        dw_accumulate(np, off_weights.data(), taps, in, gzt, mp, dwt);
      }
    }
    // (the loop's implicit barrier: every partial is complete)
    if (gw) {
#pragma omp for schedule(static)
      for (int64_t m = 0; m < d.c_out; ++m) {
        for (int64_t k = 0; k < K; ++k) {
          float s = 0.0f;
          for (int u = 0; u < team; ++u) s += partials[u * (taps + 1) * mp + k * mp + m];
          gw[m * K + k] = s;
        }
        if (gb) {
          float s = 0.0f;
          for (int u = 0; u < team; ++u) s += partials[u * (taps + 1) * mp + taps * mp + m];
          gb[m] = s;
        }
      }
    }
  }
}

}  // namespace

void backward_data(const Conv2dDims& d, const float* gy, const float* relu_y, const float* w,
                   float* gx) {
  backward(d, gy, relu_y, nullptr, w, gx, nullptr, nullptr);
}

void backward_weights(const Conv2dDims& d, const float* gy, const float* relu_y, const float* x,
                      float* gw, float* gb) {
  backward(d, gy, relu_y, x, nullptr, nullptr, gw, gb);
}

void backward_both(const Conv2dDims& d, const float* gy, const float* relu_y, const float* x,
                   const float* w, float* gx, float* gw, float* gb) {
  backward(d, gy, relu_y, x, w, gx, gw, gb);
}

}  // namespace conv_kernels
SCIDL_ISA_END
