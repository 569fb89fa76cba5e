#include "scidl/backend/cpu/conv_winograd.h"

#include <omp.h>

#include <algorithm>
#include <stdexcept>

#include "scidl/backend/cpu/gemm_tiles.h"
#include "scidl/backend/cpu/isa_region.h"
#include "scidl/backend/cpu/simd16.h"

SCIDL_ISA_BEGIN
namespace conv_winograd {

namespace {

using namespace simd;
using gemm_tiles::AOrder;
using gemm_tiles::gemm_group;

constexpr int kPositions = 16;  // of a transformed 4x4 tile
// Tiles per group: a group's transformed input and products (16 x tiles x channels each) stay
// in L2 between the transform, the 16 GEMMs and the inverse transform.
constexpr int64_t kGroupTiles = 64;

int64_t round16(int64_t n) { return (n + 15) / 16 * 16; }

// The 2x2 output tiles covering an out_h x out_w output; tile (i, j) reads the 4x4 input block
// at rows 2i.., columns 2j.. of an input of in_rows() x in_cols() positions.
struct Tiling {
  int64_t th, tw;
  Tiling(int64_t out_h, int64_t out_w) : th((out_h + 1) / 2), tw((out_w + 1) / 2) {}
  int64_t in_rows() const { return 2 * th + 2; }
  int64_t in_cols() const { return 2 * tw + 2; }
  int64_t out_rows() const { return 2 * th; }
  int64_t out_cols() const { return 2 * tw; }
  int64_t rows_per_group() const { return std::max<int64_t>(1, kGroupTiles / tw); }
};

// A channels-last image: element (r, c, ch) at data[(r * cols + c) * ld + ch].
struct Hwc {
  float* data;
  int64_t cols, ld;
  float* at(int64_t r, int64_t c) const { return data + (r * cols + c) * ld; }
};

// dst(top + r, left + c, ch) = src[ch, r, c] (CHW, rows x cols), times (mask[ch, r, c] > 0)
// when mask is given; lanes past `channels` of the positions written get zeros, the rest of dst
// is left alone. 16 positions of the flattened plane at a time, so that short rows (a 26-pixel
// row is 16 + 10) do not leave the 16 x 16 register transposes half empty.
void to_hwc(const float* src, const float* mask, int64_t channels, int64_t rows, int64_t cols,
            const Hwc& dst, int64_t top, int64_t left) {
  const int64_t plane = rows * cols;
  const F16 zero = zero16();
  for (int64_t c0 = 0; c0 < channels; c0 += 16) {
    const int64_t nc = std::min<int64_t>(16, channels - c0);
    for (int64_t p0 = 0; p0 < plane; p0 += 16) {
      const M16 in = mask_bits(plane - p0);
      // 16 positions: plain loads, the mask applied after (AVX2's masked loads, vmaskmovps,
      // led the Winograd backward's own time in the CNN's training step, held to AVX2).
      const bool whole = plane - p0 >= 16;
      F16 v[16];
#pragma GCC unroll 16
      for (int i = 0; i < 16; ++i) {
        v[i] = zero;
        if (i >= nc) continue;
        const int64_t at = (c0 + i) * plane + p0;
        if (whole) {
          v[i] = mask ? keep(positive(in, load16(mask + at)), load16(src + at)) : load16(src + at);
          continue;
        }
        const M16 kept = mask ? positive(in, load16(in, mask + at)) : in;
        v[i] = load16(kept, src + at);
      }
      transpose16(v);
      const int64_t n = std::min<int64_t>(16, plane - p0);
      int64_t r = p0 / cols, c = p0 % cols;
      for (int j = 0; j < n; ++j) {
        store16(dst.at(top + r, left + c) + c0, v[j]);
        if (++c == cols) c = 0, ++r;
      }
    }
  }
}

// dst[ch, r, c] = src(top + r, left + c, ch) for ch < channels, r < rows, c < cols.
void from_hwc(const Hwc& src, int64_t top, int64_t left, int64_t channels, int64_t rows,
              int64_t cols, float* dst) {
  const int64_t plane = rows * cols;
  for (int64_t c0 = 0; c0 < channels; c0 += 16) {
    const int64_t nc = std::min<int64_t>(16, channels - c0);
    for (int64_t p0 = 0; p0 < plane; p0 += 16) {
      const int64_t n = std::min<int64_t>(16, plane - p0);
      F16 v[16];
      int64_t r = p0 / cols, c = p0 % cols;
#pragma GCC unroll 16
      for (int j = 0; j < 16; ++j) {
        v[j] = j < n ? load16(src.at(top + r, left + c) + c0) : zero16();
        if (++c == cols) c = 0, ++r;
      }
      transpose16(v);
      const M16 m = mask_bits(n);
      for (int i = 0; i < nc; ++i) store16(dst + (c0 + i) * plane + p0, m, v[i]);
    }
  }
}

// v[p][t][0..ld) = (B^T d B)[p] for the input tiles of tile rows [i0, i1) (t counted from the
// group's first tile), B^T = [1 0 -1 0; 0 1 1 0; 0 -1 1 0; 0 1 0 -1].
void input_transform(const Hwc& in, const Tiling& tl, int64_t i0, int64_t i1, float* v) {
  const int64_t group = (i1 - i0) * tl.tw, stride = group * in.ld;
  for (int64_t i = i0; i < i1; ++i)
    for (int64_t j = 0; j < tl.tw; ++j) {
      float* vt = v + ((i - i0) * tl.tw + j) * in.ld;
      for (int64_t c = 0; c < in.ld; c += 16) {
        const float* p = in.at(2 * i, 2 * j) + c;
        F16 d[4][4], t[4][4];
        for (int a = 0; a < 4; ++a)
          for (int b = 0; b < 4; ++b) d[a][b] = load16(p + (a * in.cols + b) * in.ld);
        for (int b = 0; b < 4; ++b) {
          t[0][b] = (d[0][b] - d[2][b]);
          t[1][b] = (d[1][b] + d[2][b]);
          t[2][b] = (d[2][b] - d[1][b]);
          t[3][b] = (d[1][b] - d[3][b]);
        }
        for (int a = 0; a < 4; ++a) {
          float* o = vt + c + a * 4 * stride;
          store16(o, (t[a][0] - t[a][2]));
          store16(o + stride, (t[a][1] + t[a][2]));
          store16(o + 2 * stride, (t[a][2] - t[a][1]));
          store16(o + 3 * stride, (t[a][1] - t[a][3]));
        }
      }
    }
}

// The output tiles of tile rows [i0, i1) from the products m[p][t][0..ld): Y = A^T M A with
// A^T = [1 1 1 0; 0 1 -1 -1], plus the bias (first `channels` lanes), then the ReLU.
void output_transform(const float* m, const Tiling& tl, int64_t i0, int64_t i1, int64_t channels,
                      const float* bias, bool relu, const Hwc& out) {
  const int64_t group = (i1 - i0) * tl.tw, stride = group * out.ld;
  const F16 zero = zero16();
  for (int64_t c = 0; c < out.ld; c += 16) {
    const F16 bv = bias ? load16(mask_bits(channels - c), bias + c) : zero;
    for (int64_t i = i0; i < i1; ++i)
      for (int64_t j = 0; j < tl.tw; ++j) {
        const float* mt = m + ((i - i0) * tl.tw + j) * out.ld + c;
        F16 s[2][4];
        for (int b = 0; b < 4; ++b) {
          const F16 m0 = load16(mt + b * stride);
          const F16 m1 = load16(mt + (4 + b) * stride);
          const F16 m2 = load16(mt + (8 + b) * stride);
          const F16 m3 = load16(mt + (12 + b) * stride);
          s[0][b] = ((m0 + m1) + m2);
          s[1][b] = ((m1 - m2) - m3);
        }
        for (int a = 0; a < 2; ++a) {
          F16 y0 = (((s[a][0] + s[a][1]) + s[a][2]) + bv);
          F16 y1 = (((s[a][1] - s[a][2]) - s[a][3]) + bv);
          if (relu) {  // v < 0 ? 0 : v, as the elementwise ReLU
            y0 = simd::relu(y0);
            y1 = simd::relu(y1);
          }
          float* o = out.at(2 * i + a, 2 * j) + c;
          store16(o, y0);
          store16(o + out.ld, y1);
        }
      }
  }
}

// dm[p][t][0..ld) = (A dY A^T)[p] for the 2x2 output-gradient tiles of tile rows [i0, i1),
// read from `gy` at (top + 2i, left + 2j): the transpose of output_transform.
void gradient_transform(const Hwc& gy, int64_t top, int64_t left, const Tiling& tl, int64_t i0,
                        int64_t i1, float* dm) {
  const int64_t group = (i1 - i0) * tl.tw, stride = group * gy.ld;
  for (int64_t i = i0; i < i1; ++i)
    for (int64_t j = 0; j < tl.tw; ++j) {
      float* mt = dm + ((i - i0) * tl.tw + j) * gy.ld;
      for (int64_t c = 0; c < gy.ld; c += 16) {
        const float* p = gy.at(top + 2 * i, left + 2 * j) + c;
        const F16 y00 = load16(p), y01 = load16(p + gy.ld);
        const F16 y10 = load16(p + gy.cols * gy.ld);
        const F16 y11 = load16(p + (gy.cols + 1) * gy.ld);
        // t[a][b] over the rows: (y0, y0 + y1, y0 - y1, -y1), per column b.
        const F16 t[4][2] = {{y00, y01},
                             {(y00 + y10), (y01 + y11)},
                             {(y00 - y10), (y01 - y11)},
                             {(zero16() - y10), (zero16() - y11)}};
        for (int a = 0; a < 4; ++a) {
          float* o = mt + c + a * 4 * stride;
          store16(o, t[a][0]);
          store16(o + stride, (t[a][0] + t[a][1]));
          store16(o + 2 * stride, (t[a][0] - t[a][1]));
          store16(o + 3 * stride, (zero16() - t[a][1]));
        }
      }
    }
}

// u[p][k][n] = (G g G^T)[p] with G = [1 0 0; .5 .5 .5; .5 -.5 .5; 0 0 1] for the 3x3 filter g
// from input channel k to output channel n of the convolution computed: the layer's own
// (g = w[n, k]) or, for the input gradient, the flipped transpose (g[i][j] = w[k, n, 2-i, 2-j]).
// 16 output channels at a time (gathered: their taps are 9 or 9 c_in floats apart; once per
// call, so element by element), blocks of 16 channels [b0, b1).
void transform_weights(const float* w, int64_t c_out, int64_t c_in, bool flip, int64_t b0,
                       int64_t b1, float* u, int64_t ld) {
  const int64_t k_count = flip ? c_out : c_in, n_count = flip ? c_in : c_out;
  // lane n's tap (i, j) of filter (k, n): w[base + n * step + tap]
  const int64_t step = flip ? 9 : 9 * c_in;
  const F16 half = set16(0.5f);
  for (int64_t blk = b0; blk < b1; ++blk) {
    const int64_t n0 = 16 * blk;
    const M16 m = mask_bits(n_count - n0);
    const int64_t lanes = std::min<int64_t>(16, n_count - n0);
    for (int64_t k = 0; k < k_count; ++k) {
      const float* base = flip ? w + (k * c_in + n0) * 9 : w + (n0 * c_in + k) * 9;
      F16 g[3][3];
      for (int i = 0; i < 3; ++i)
        for (int j = 0; j < 3; ++j) {
          const int tap = flip ? (2 - i) * 3 + 2 - j : i * 3 + j;
          alignas(64) float lane[16];
          for (int64_t n = 0; n < 16; ++n) lane[n] = n < lanes ? base[n * step + tap] : 0.0f;
          g[i][j] = load16(lane);
        }
      F16 t[4][3];
      for (int j = 0; j < 3; ++j) {
        const F16 outer = (g[0][j] + g[2][j]);
        t[0][j] = g[0][j];
        t[1][j] = (half * (outer + g[1][j]));
        t[2][j] = (half * (outer - g[1][j]));
        t[3][j] = g[2][j];
      }
      for (int a = 0; a < 4; ++a) {
        const F16 outer = (t[a][0] + t[a][2]);
        const F16 v[4] = {t[a][0], (half * (outer + t[a][1])), (half * (outer - t[a][1])), t[a][2]};
        for (int b = 0; b < 4; ++b) store16(u + ((a * 4 + b) * k_count + k) * ld + n0, m, v[b]);
      }
    }
  }
}

// One image's convolution: out (out_rows x out_cols tiles' positions) = the F(2x2, 3x3)
// convolution of `in` (k channels) with the transformed weights u (16 x k x ld_u), n output
// channels, plus the bias and ReLU; v and m are the group buffers.
void convolve_image(const Tiling& tl, const Hwc& in, int64_t k, const float* u, int64_t ld_u,
                    int64_t n, const float* bias, bool relu, float* v, float* m, const Hwc& out) {
  for (int64_t i0 = 0; i0 < tl.th; i0 += tl.rows_per_group()) {
    const int64_t i1 = std::min(tl.th, i0 + tl.rows_per_group()), group = (i1 - i0) * tl.tw;
    input_transform(in, tl, i0, i1, v);
    for (int p = 0; p < kPositions; ++p)
      gemm_group<AOrder::RowMajor>(group, n, k, v + p * group * in.ld, in.ld, u + p * k * ld_u,
                                   ld_u, m + p * group * out.ld, out.ld, false, {});
    output_transform(m, tl, i0, i1, n, bias, relu, out);
  }
}

}  // namespace

void forward(const Conv2dDims& d, const float* x, const float* w, const float* b, float* y,
             bool relu) {
  const Conv2dGeometry& g = d.geometry;
  const Tiling tl(d.out_height, d.out_width);
  const int64_t ld_in = round16(d.c_in), ld_out = round16(d.c_out);
  const int64_t ld_u = gemm_tiles::padded_ld(d.c_out);
  const int64_t image = d.c_in * d.height * d.width, out_plane = d.out_height * d.out_width;
  const int64_t group = tl.rows_per_group() * tl.tw;
  thread_local Scratch weight_buffer;
  float* u = weight_buffer.get(static_cast<size_t>(kPositions * d.c_in * ld_u));
#pragma omp parallel num_threads(simd::image_threads(d.batch))
  {
    const int t = omp_get_thread_num(), threads = omp_get_num_threads();
    const int64_t blocks = (d.c_out + 15) / 16;
    transform_weights(w, d.c_out, d.c_in, false, blocks * t / threads, blocks * (t + 1) / threads,
                      u, ld_u);
    thread_local Scratch in_buffer, v_buffer, m_buffer, out_buffer;
    const Hwc in{in_buffer.zeroed(tl.in_rows() * tl.in_cols() * ld_in), tl.in_cols(), ld_in};
    const Hwc out{out_buffer.get(static_cast<size_t>(tl.out_rows() * tl.out_cols() * ld_out)),
                  tl.out_cols(), ld_out};
    float* v = v_buffer.get(static_cast<size_t>(kPositions * group * ld_in));
    float* m = m_buffer.get(static_cast<size_t>(kPositions * group * ld_out));
#pragma omp barrier
#pragma omp for schedule(static)
    for (int64_t i = 0; i < d.batch; ++i) {
      to_hwc(x + i * image, nullptr, d.c_in, d.height, d.width, in, g.pad_top, g.pad_left);
      convolve_image(tl, in, d.c_in, u, ld_u, d.c_out, b, relu, v, m, out);
      from_hwc(out, 0, 0, d.c_out, d.out_height, d.out_width, y + i * d.c_out * out_plane);
    }
  }
}

void backward(const Conv2dDims& d, const float* gy, const float* relu_y, const float* x,
              const float* w, float* gx, float* gw, float* gb) {
  const Conv2dGeometry& g = d.geometry;
  const Tiling fwd(d.out_height, d.out_width);          // the forward's tiles
  const Tiling dat(d.out_height + 2, d.out_width + 2);  // the input gradient's
  const int64_t ld_in = round16(d.c_in), ld_out = round16(d.c_out);
  const int64_t image = d.c_in * d.height * d.width, out_plane = d.out_height * d.out_width;
  const int64_t group = std::max(fwd.rows_per_group() * fwd.tw, dat.rows_per_group() * dat.tw);
  const bool weights = gw || gb;
  const int threads = simd::image_threads(d.batch);
  // The input gradient's transformed weights (flipped, transposed): 16 x c_out x ld_u.
  const int64_t ld_u = gemm_tiles::padded_ld(d.c_in);
  thread_local Scratch weight_buffer, partial_buffer;
  float* u = gx ? weight_buffer.get(static_cast<size_t>(kPositions * d.c_out * ld_u)) : nullptr;
  // Per thread: dU (16 x c_in x ld_out) and the bias sums (ld_out).
  const int64_t slice = kPositions * d.c_in * ld_out + ld_out;
  float* partials = weights ? partial_buffer.get(static_cast<size_t>(threads * slice)) : nullptr;
#pragma omp parallel num_threads(threads)
  {
    // The team may be smaller than asked for (a call from inside a parallel region): shares
    // and the final sums go by its real size.
    const int t = omp_get_thread_num(), team = omp_get_num_threads();
    const int64_t blocks = (d.c_in + 15) / 16;
    if (gx)
      transform_weights(w, d.c_out, d.c_in, true, blocks * t / team, blocks * (t + 1) / team, u,
                        ld_u);
    thread_local Scratch grad_buffer, in_buffer, v_buffer, m_buffer, out_buffer;
    // The output gradient, masked, channels-last, with 2 zeros around it (the input gradient's
    // padding) and zeros past the last whole tile.
    const Hwc grad{grad_buffer.zeroed(dat.in_rows() * dat.in_cols() * ld_out), dat.in_cols(),
                   ld_out};
    float* v = v_buffer.get(static_cast<size_t>(kPositions * group * std::max(ld_in, ld_out)));
    float* m = m_buffer.get(static_cast<size_t>(kPositions * group * std::max(ld_in, ld_out)));
    Hwc in{nullptr, fwd.in_cols(), ld_in}, out{nullptr, dat.out_cols(), ld_in};
    if (weights) in.data = in_buffer.zeroed(fwd.in_rows() * fwd.in_cols() * ld_in);
    if (gx) out.data = out_buffer.get(static_cast<size_t>(dat.out_rows() * dat.out_cols() * ld_in));
    float* du = weights ? partials + t * slice : nullptr;
    float* bias_sum = weights ? du + kPositions * d.c_in * ld_out : nullptr;
    if (weights) std::fill(du, du + slice, 0.0f);
#pragma omp barrier
#pragma omp for schedule(static)
    for (int64_t i = 0; i < d.batch; ++i) {
      const int64_t at = i * d.c_out * out_plane;
      to_hwc(gy + at, relu_y ? relu_y + at : nullptr, d.c_out, d.out_height, d.out_width, grad, 2,
             2);
      if (gx) {
        convolve_image(dat, grad, d.c_out, u, ld_u, d.c_in, nullptr, false, v, m, out);
        from_hwc(out, g.pad_top, g.pad_left, d.c_in, d.height, d.width, gx + i * image);
      }
      if (weights) {
        for (int64_t r = 0; r < d.out_height; ++r)
          for (int64_t c = 0; c < d.out_width; ++c) {
            const float* p = grad.at(2 + r, 2 + c);
            for (int64_t ch = 0; ch < ld_out; ch += 16)
              store16(bias_sum + ch, (load16(bias_sum + ch) + load16(p + ch)));
          }
        if (!gw) continue;
        to_hwc(x + i * image, nullptr, d.c_in, d.height, d.width, in, g.pad_top, g.pad_left);
        for (int64_t i0 = 0; i0 < fwd.th; i0 += fwd.rows_per_group()) {
          const int64_t i1 = std::min(fwd.th, i0 + fwd.rows_per_group());
          const int64_t tiles = (i1 - i0) * fwd.tw;
          input_transform(in, fwd, i0, i1, v);
          gradient_transform(grad, 2, 2, fwd, i0, i1, m);
          for (int p = 0; p < kPositions; ++p)  // dU[p] += V[p]^T dM[p]
            gemm_group<AOrder::ColMajor>(d.c_in, d.c_out, tiles, v + p * tiles * ld_in, ld_in,
                                         m + p * tiles * ld_out, ld_out, du + p * d.c_in * ld_out,
                                         ld_out, true, {});
        }
      }
    }
    // (the loop's implicit barrier: every partial is complete)
    if (weights) {
#pragma omp for schedule(static)
      for (int64_t n = 0; n < d.c_out; ++n) {
        if (gb) {
          float s = 0.0f;
          for (int q = 0; q < team; ++q)
            s += partials[q * slice + kPositions * d.c_in * ld_out + n];
          gb[n] = s;
        }
        if (!gw) continue;
        for (int64_t k = 0; k < d.c_in; ++k) {
          float dU[4][4];
          for (int p = 0; p < kPositions; ++p) {
            float s = 0.0f;
            for (int q = 0; q < team; ++q) s += partials[q * slice + (p * d.c_in + k) * ld_out + n];
            dU[p / 4][p % 4] = s;
          }
          // dg = G^T dU G: rows, then columns.
          float r[3][4];
          for (int q = 0; q < 4; ++q) {
            r[0][q] = dU[0][q] + 0.5f * (dU[1][q] + dU[2][q]);
            r[1][q] = 0.5f * (dU[1][q] - dU[2][q]);
            r[2][q] = 0.5f * (dU[1][q] + dU[2][q]) + dU[3][q];
          }
          float* out_w = gw + (n * d.c_in + k) * 9;
          for (int a = 0; a < 3; ++a) {
            out_w[a * 3 + 0] = r[a][0] + 0.5f * (r[a][1] + r[a][2]);
            out_w[a * 3 + 1] = 0.5f * (r[a][1] - r[a][2]);
            out_w[a * 3 + 2] = 0.5f * (r[a][1] + r[a][2]) + r[a][3];
          }
        }
      }
    }
  }
}

}  // namespace conv_winograd
SCIDL_ISA_END
