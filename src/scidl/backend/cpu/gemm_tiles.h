// The register-blocked GEMM micro-kernel of scidl's own CPU kernels: C (=|+=) A . B over a
// block of rows, with the bias and ReLU of a dense layer fused into the last store. The
// dense-layer kernels (dense_kernels.cpp) and the Winograd convolutions (conv_winograd.cpp)
// both run their products through it. Header-only (templates the compiler must see to
// unroll), over simd16.h's vectors: for the AVX2 and AVX-512 copies of the backend.
#pragma once
#include <cstdint>

#include <algorithm>
#include <array>
#include <utility>

#include "scidl/backend/cpu/isa_region.h"
#include "scidl/backend/cpu/simd16.h"

SCIDL_ISA_BEGIN
namespace gemm_tiles {

using namespace simd;

// A micro-tile is kTileRows x kPanel outputs held in kTileRows * kVectors zmm accumulators.
// The CPU these were tuned on (Skylake-SP, sessions 1-9) renames 4 uops a cycle: with 2 FMA
// ports, the K loop must spend at most 2 other uops per FMA pair. 6 rows x 64 columns issues,
// per k, 4 B loads + 6 broadcasts + 24 FMAs (+ 2 loop uops) = 36 uops in the 12 cycles the
// FMAs take, with 28 + 1 registers (12 x 32 needed 38 uops and spilled row pointers; it
// measured the same, because what held both at 60% of peak were masked B loads: see tile_of).
// On an AMD Zen 4 (session 11), which issues a 512-bit FMA as two 256-bit halves, one a cycle,
// this tile alone runs at 98% of that peak; 8 x 48, 12 x 32 and 16 x 16 tied with it, and
// shapes with more full-width B loads per FMA (3 x 128, 4 x 96) lost 15-20%.
// AVX2 has 16 ymm registers: 3 rows x 32 columns (12 accumulators, 3 B vectors held, the 4th
// read by each row's FMA, and a broadcast: 9 loads to 12 FMAs). It took the three-body
// network's batch-64 step 7% and its batch-5000 step 2% below the usual AVX2 SGEMM shape,
// 6 x 16, on a Zen 4 held to AVX2: half as many panels, so half as many passes over A.
// The portable copy (SSE2's 16 xmm registers): 2 x 16 (8 accumulators).
// NEON has 32 q registers: 6 x 16 (24 accumulators, 4 B vectors and a broadcast), chosen by
// register count alone (no aarch64 machine here to measure; qemu timings mean nothing).
#if SCIDL_CPU_ISA_LEVEL == 2
constexpr int kVectors = 4;
constexpr int kTileRows = 6;
#elif SCIDL_CPU_ISA_LEVEL == 1
constexpr int kVectors = 2;
constexpr int kTileRows = 3;
#elif SCIDL_CPU_ISA_LEVEL == 3
constexpr int kVectors = 1;
constexpr int kTileRows = 6;
#else
constexpr int kVectors = 1;
constexpr int kTileRows = 2;
#endif
constexpr int64_t kPanel = 16 * kVectors;

struct ColumnMask {
  M16 v[kVectors];
};

inline ColumnMask column_mask(int64_t columns) {  // columns of a panel that exist (1..kPanel)
  ColumnMask m;
  for (int j = 0; j < kVectors; ++j) m.v[j] = mask_bits(columns - 16 * j);
  return m;
}

// How A is laid out: element (r, k) of the tile at a[r * lda + k] (row-major, the forward and
// dx products) or at a[k * lda + r] (the transposed gradient in dW = gz^T x).
enum class AOrder { RowMajor, ColMajor };

struct Epilogue {
  const float* bias = nullptr;  // added to every row (masked like the columns)
  bool relu = false;
  // Added to every column instead, row_bias[r] to row r: the bias of a layer computed as
  // y^T = w x^T, whose rows are output units (dense_by_units.cpp).
  const float* row_bias = nullptr;
  // A backward product whose result is the gradient g w.r.t. a layer's output y: stored as
  // gz = g * act'(y) (dense_team.h: activation_gradient16), y read where C's element lies (ldc
  // apart): ReLU g where y > 0, tanh g * (1 - y^2). Null: stored as it is.
  const float* act_y = nullptr;
  bool tanh = false;
  // The row sums of what is stored, added to row_sums[r] (gemm_group zeroes them first): db of
  // a layer whose rows are units and columns the batch's rows.
  float* row_sums = nullptr;
};

// C[MR, <=kPanel] (=|+=) A[MR, K] . B[K, <=kPanel], B row k at b + k * ldb. The accumulators
// never leave registers inside the K loop; with `accumulate` the tile starts from C's values.
// kFull: every column of the panel exists, so C, the bias and y move by plain loads and stores
// (AVX2's masked store, vmaskmovps, is microcoded on AMD's Zen: with it in every tile's
// epilogue the AVX2 kernels ran at two thirds of the AVX-512 ones' rate on a Zen 4).
template <int MR, int NV, AOrder kOrder, bool kFull>
void tile(int64_t K, const float* a, int64_t lda, const float* b, int64_t ldb, ColumnMask m,
          float* c, int64_t ldc, bool accumulate, Epilogue e) {
  const auto load = [&m](int j, const float* p) { return kFull ? load16(p) : load16(m.v[j], p); };
  const auto store = [&m](int j, float* p, F16 v) {
    if constexpr (kFull)
      store16(p, v);
    else
      store16(p, m.v[j], v);
  };
  F16 acc[MR][NV];
#pragma GCC unroll 16
  for (int r = 0; r < MR; ++r)
#pragma GCC unroll 4
    for (int j = 0; j < NV; ++j) acc[r][j] = accumulate ? load(j, c + r * ldc + 16 * j) : zero16();
  for (int64_t k = 0; k < K; ++k, b += ldb) {
    F16 bv[NV];
#pragma GCC unroll 4
    for (int j = 0; j < NV; ++j) bv[j] = load(j, b + 16 * j);
#pragma GCC unroll 16
    for (int r = 0; r < MR; ++r) {
      const F16 s = set16(kOrder == AOrder::ColMajor ? a[k * lda + r] : a[r * lda + k]);
#pragma GCC unroll 4
      for (int j = 0; j < NV; ++j) acc[r][j] = fmadd(s, bv[j], acc[r][j]);
    }
  }
  F16 bias[NV];
#pragma GCC unroll 4
  for (int j = 0; j < NV; ++j) bias[j] = e.bias ? load(j, e.bias + 16 * j) : zero16();
  // Every product but the short-batch backward's: its store as it was before that one's
  // epilogue existed (with the extra branches in this loop, a batch-5000 step of the three-body
  // network measured 2-8% slower in 2 of 3 comparisons; as it is, level).
  if (!e.act_y && !e.row_sums) {
#pragma GCC unroll 16
    for (int r = 0; r < MR; ++r)
#pragma GCC unroll 4
      for (int j = 0; j < NV; ++j) {
        F16 v = acc[r][j] + (e.row_bias ? set16(e.row_bias[r]) : bias[j]);
        if (e.relu) v = relu(v);
        store(j, c + r * ldc + 16 * j, v);
      }
    return;
  }
#pragma GCC unroll 16
  for (int r = 0; r < MR; ++r) {
    F16 sum = zero16();
#pragma GCC unroll 4
    for (int j = 0; j < NV; ++j) {
      F16 v = acc[r][j] + (e.row_bias ? set16(e.row_bias[r]) : bias[j]);
      if (e.relu) v = relu(v);
      if (e.act_y) {
        const F16 y = load(j, e.act_y + r * ldc + 16 * j);
        v = e.tanh ? v * fnmadd(y, y, set16(1)) : keep(positive(m.v[j], y), v);
      }
      if (e.row_sums) sum = sum + keep(m.v[j], v);
      store(j, c + r * ldc + 16 * j, v);
    }
    if (e.row_sums) e.row_sums[r] += reduce_add(sum);
  }
}

using TileFn = void (*)(int64_t, const float*, int64_t, const float*, int64_t, ColumnMask, float*,
                        int64_t, bool, Epilogue);

// tile<MR, NV> for MR = 1..kTileRows and NV = 1..kVectors: the last rows of a matrix take a
// shorter tile, and narrow outputs (the 4 of the three-body network) a narrower one, instead
// of multiplying zeros over a masked 64-column panel.
template <AOrder kOrder, bool kFull, int NV, int... R>
constexpr std::array<TileFn, sizeof...(R)> tiles_by_rows(std::integer_sequence<int, R...>) {
  return {&tile<R + 1, NV, kOrder, kFull>...};
}
template <AOrder kOrder, bool kFull, int NV>
constexpr auto kTilesOf =
    tiles_by_rows<kOrder, kFull, NV>(std::make_integer_sequence<int, kTileRows>{});
template <AOrder kOrder, int NV>
inline TileFn tile_of(int64_t rows, int64_t cols) {
  // A full tile loads B unmasked (a masked zmm load costs an extra uop on this CPU's FMA ports).
  return (cols >= 16 * NV ? kTilesOf<kOrder, true, NV> : kTilesOf<kOrder, false, NV>)[rows - 1];
}
// The tile for `rows` rows (1..kTileRows) and `cols` columns (1..kPanel).
template <AOrder kOrder>
inline TileFn tile_for(int64_t rows, int64_t cols) {
  const int64_t vectors = (std::min<int64_t>(cols, kPanel) + 15) / 16;
  if constexpr (kVectors == 4) {
    switch (vectors) {
      case 1:
        return tile_of<kOrder, 1>(rows, cols);
      case 2:
        return tile_of<kOrder, 2>(rows, cols);
      case 3:
        return tile_of<kOrder, 3>(rows, cols);
      default:
        return tile_of<kOrder, 4>(rows, cols);
    }
  } else if constexpr (kVectors == 2) {
    return vectors == 1 ? tile_of<kOrder, 1>(rows, cols) : tile_of<kOrder, 2>(rows, cols);
  } else {
    return tile_of<kOrder, 1>(rows, cols);
  }
}

// C[rows, cols] (=|+=) A[rows, K] . B[K, cols], then the epilogue. Blocked so that each
// kDepth x kPanel block of B (16 KB) stays in L1 while every band of rows of the group uses
// it; callers keep `rows` small enough (a few hundred) that A and C stay in L2 across blocks.
// Narrower panels (AVX2's 32 columns, the portable copy's and NEON's 16) go deeper for the same
// 16 KB: fewer trips of C's tile through the accumulators per product.
constexpr int64_t kDepth = 16 * 1024 / (kPanel * int64_t(sizeof(float)));

template <AOrder kOrder>
inline void gemm_group(int64_t rows, int64_t cols, int64_t K, const float* a, int64_t lda,
                       const float* b, int64_t ldb, float* c, int64_t ldc, bool accumulate,
                       Epilogue e) {
  if (e.row_sums) std::fill(e.row_sums, e.row_sums + rows, 0.0f);
  // The epilogue of the tile at (r0, c0).
  auto epilogue_at = [&e, ldc](int64_t r0, int64_t c0) {
    Epilogue t = e;
    if (e.bias) t.bias += c0;
    if (e.row_bias) t.row_bias += r0;
    if (e.act_y) t.act_y += r0 * ldc + c0;
    if (e.row_sums) t.row_sums += r0;
    return t;
  };
  if (K == 0 && !accumulate) {  // nothing to multiply: the epilogue over zeros
    for (int64_t r0 = 0; r0 < rows; r0 += kTileRows)
      for (int64_t c0 = 0; c0 < cols; c0 += kPanel)
        tile_for<kOrder>(std::min<int64_t>(kTileRows, rows - r0), cols - c0)(
            0, a, lda, b, ldb, column_mask(cols - c0), c + r0 * ldc + c0, ldc, false,
            epilogue_at(r0, c0));
    return;
  }
  for (int64_t k0 = 0; k0 < K; k0 += kDepth) {
    const int64_t kc = std::min(kDepth, K - k0);
    const bool last = k0 + kc == K;
    for (int64_t c0 = 0; c0 < cols; c0 += kPanel) {
      const ColumnMask m = column_mask(cols - c0);
      for (int64_t r0 = 0; r0 < rows; r0 += kTileRows) {
        const float* ak = kOrder == AOrder::RowMajor ? a + r0 * lda + k0 : a + k0 * lda + r0;
        const Epilogue ep = last ? epilogue_at(r0, c0) : Epilogue{};
        tile_for<kOrder>(std::min<int64_t>(kTileRows, rows - r0), cols - c0)(
            kc, ak, lda, b + k0 * ldb + c0, ldb, m, c + r0 * ldc + c0, ldc, accumulate || k0 > 0,
            ep);
      }
    }
  }
}

// Leading dimension for our own copies of B: a multiple of 16 floats, and not of 128 (512
// bytes): with rows 512 bytes apart, a 64-row block of B would fall into 8 of L1's 64 sets
// and evict itself (8 ways).
inline int64_t padded_ld(int64_t cols) {
  int64_t ld = (cols + 15) / 16 * 16;
  return ld % 128 == 0 ? ld + 16 : ld;
}

}  // namespace gemm_tiles
SCIDL_ISA_END
