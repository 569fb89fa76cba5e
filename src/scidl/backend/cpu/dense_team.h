// What the dense-chain kernels (dense_kernels.cpp, dense_by_units.cpp) share: how a team of
// threads splits a chain's work and runs it, and the row-wise pieces both ways of splitting
// use (tanh over a block, the fused loss). Internal; for the AVX2 and AVX-512 copies.
#pragma once
#include <omp.h>

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "scidl/backend/cpu/dense_kernels.h"
#include "scidl/backend/cpu/gemm_tiles.h"
#include "scidl/backend/cpu/isa_region.h"
#include "scidl/backend/cpu/vector_math.h"

SCIDL_ISA_BEGIN
namespace dense {

// Below this many multiply-adds (a whole chain's) the work runs on one thread: waking the
// partner costs more.
constexpr int64_t kParallelWork = 4 * 1024 * 1024;

inline bool chain_in_parallel(int64_t rows, const Layer* layers, int n) {
  int64_t work = 0;
  for (int l = 0; l < n; ++l) work += layers[l].in * layers[l].out;
  return rows * work >= kParallelWork && omp_get_max_threads() > 1;
}

// [begin, end): the part of a range one thread takes.
struct RowRange {
  int64_t begin, end;
  int64_t size() const { return end - begin; }
};

// The rows thread t of n takes: an even share in whole tiles, contiguous, so that neither
// thread waits at the end of a layer for the other's extra row group.
inline RowRange share_of(int64_t rows, int t, int n) {
  const int64_t bands = (rows + gemm_tiles::kTileRows - 1) / gemm_tiles::kTileRows;
  return {std::min(rows, bands * t / n * gemm_tiles::kTileRows),
          std::min(rows, bands * (t + 1) / n * gemm_tiles::kTileRows)};
}

// The part of [0, count) thread t of n takes: whole blocks of 16 (the transposes' tiles, and
// whole cache lines of a row of floats).
inline RowRange block_share(int64_t count, int t, int n) {
  const int64_t blocks = (count + 15) / 16;
  return {std::min(count, blocks * t / n * 16), std::min(count, blocks * (t + 1) / n * 16)};
}

// Runs body(t, n) on every thread of a team of `threads` (inline when 1): the chain's
// packing, products and reductions all happen in one parallel region, so the partner thread
// neither waits through a serial part nor is woken more than once per pass.
template <typename Body>
void on_team(int threads, Body&& body) {
  if (threads == 1) {
    body(0, 1);
    return;
  }
#pragma omp parallel num_threads(threads)
  body(omp_get_thread_num(), omp_get_num_threads());
}

// Inside on_team's body: waits for the whole team (nothing to wait for when alone).
inline void team_barrier(int threads) {
  if (threads > 1) {
#pragma omp barrier
  }
}

// y = tanh(y) over rows x cols floats, rows ld apart (a group's output, still in L2), 16 at a
// time through glibc's vector tanh (vector_math.h).
inline void tanh_in_place(float* __restrict y, int64_t rows, int64_t cols, int64_t ld) {
  for (int64_t r = 0; r < rows; ++r) {
    float* __restrict row = y + r * ld;
#pragma omp simd
    for (int64_t i = 0; i < cols; ++i) row[i] = std::tanh(row[i]);
  }
}

// 16 lanes (those in m; the others 0) of gz = g * act'(y): ReLU: g where y > 0 (0 where y is
// NaN); tanh: g * (1 - y^2); none: g (y not read).
inline simd::F16 activation_gradient16(Activation act, simd::M16 m, const float* g,
                                       const float* y) {
  using namespace simd;
  if (act == Activation::Tanh) {
    const F16 yv = load16(m, y);
    return load16(m, g) * fnmadd(yv, yv, set16(1));
  }
  if (act == Activation::Relu) m = positive(m, load16(m, y));
  return load16(m, g);
}
// The same over 16 columns that all exist, by plain loads (cheaper than masked ones on AMD's Zen).
inline simd::F16 activation_gradient16(Activation act, const float* g, const float* y) {
  using namespace simd;
  if (act == Activation::Tanh) {
    const F16 yv = load16(y);
    return load16(g) * fnmadd(yv, yv, set16(1));
  }
  if (act == Activation::Relu) return keep(positive(mask_bits(16), load16(y)), load16(g));
  return load16(g);
}

// One element of the mean loss: its value, and its gradient (written to g) for a prediction p
// against a target t; scale = 1 / (the elements the mean is over). The derivatives are the
// composed ops': |d|' = sign(d) with sign(0) = 0, (d^2)' = 2d.
inline double element_loss(FusedLoss kind, float p, float t, float scale, float& g) {
  const float d = p - t;
  if (kind == FusedLoss::L1) {
    g = d > 0.0f ? scale : d < 0.0f ? -scale : d * scale;  // NaN stays NaN
    return std::fabs(d);
  }
  g = 2.0f * scale * d;
  return double(d) * d;
}

}  // namespace dense
SCIDL_ISA_END
