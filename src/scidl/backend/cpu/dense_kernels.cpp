#include "scidl/backend/cpu/dense_kernels.h"

#include <omp.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <utility>
#include <vector>

#if defined(__AVX512F__)
#include <immintrin.h>
#endif

namespace scidl::backend::cpu::dense {

namespace {
std::atomic<bool>& switched_on() {
  static std::atomic<bool> on = [] {
    const char* v = std::getenv("SCIDL_DENSE_KERNELS");
    return !(v && std::strcmp(v, "0") == 0);
  }();
  return on;
}
}  // namespace

bool enabled() { return available() && switched_on().load(std::memory_order_relaxed); }
void set_enabled(bool on) { switched_on().store(on); }

#if defined(__AVX512F__)

namespace {

// A micro-tile is kTileRows x kPanel outputs held in kTileRows * kVectors zmm accumulators.
// This CPU (Skylake-SP) renames 4 uops a cycle: with 2 FMA ports, the K loop must spend at
// most 2 other uops per FMA pair. 6 rows x 64 columns issues, per k, 4 B loads + 6 broadcasts
// + 24 FMAs (+ 2 loop uops) = 36 uops in the 12 cycles the FMAs take, with 28 + 1 registers;
// the first version, 12 x 32, needed 38 uops plus spilled row pointers and ran at 60% of peak.
constexpr int kVectors = 4;
constexpr int64_t kPanel = 16 * kVectors;
constexpr int kTileRows = 6;
// Below this many multiply-adds a product runs on one thread: waking the partner costs more
// (the batch-64 training step is all such products).
constexpr int64_t kParallelWork = 4 * 1024 * 1024;

struct ColumnMask {
  __mmask16 v[kVectors];
};

__mmask16 mask_bits(int64_t n) {
  return n >= 16 ? __mmask16(0xFFFF) : n <= 0 ? __mmask16(0) : __mmask16((1u << n) - 1);
}

ColumnMask column_mask(int64_t columns) {  // columns of a panel that exist (1..kPanel)
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
};

// C[MR, <=kPanel] (=|+=) A[MR, K] . B[K, <=kPanel], B row k at b + k * ldb. The accumulators
// never leave registers inside the K loop; with `accumulate` the tile starts from C's values.
template <int MR, int NV, AOrder kOrder, bool kFull>
void tile(int64_t K, const float* a, int64_t lda, const float* b, int64_t ldb, ColumnMask m,
          float* c, int64_t ldc, bool accumulate, Epilogue e) {
  __m512 acc[MR][NV];
#pragma GCC unroll 16
  for (int r = 0; r < MR; ++r)
#pragma GCC unroll 4
    for (int j = 0; j < NV; ++j)
      acc[r][j] = accumulate ? _mm512_maskz_loadu_ps(m.v[j], c + r * ldc + 16 * j)
                              : _mm512_setzero_ps();
  for (int64_t k = 0; k < K; ++k, b += ldb) {
    __m512 bv[NV];
#pragma GCC unroll 4
    for (int j = 0; j < NV; ++j)
      bv[j] = kFull ? _mm512_loadu_ps(b + 16 * j) : _mm512_maskz_loadu_ps(m.v[j], b + 16 * j);
#pragma GCC unroll 16
    for (int r = 0; r < MR; ++r) {
      const __m512 s =
          _mm512_set1_ps(kOrder == AOrder::ColMajor ? a[k * lda + r] : a[r * lda + k]);
#pragma GCC unroll 4
      for (int j = 0; j < NV; ++j) acc[r][j] = _mm512_fmadd_ps(s, bv[j], acc[r][j]);
    }
  }
  const __m512 zero = _mm512_setzero_ps();
  __m512 bias[NV];
#pragma GCC unroll 4
  for (int j = 0; j < NV; ++j)
    bias[j] = e.bias ? _mm512_maskz_loadu_ps(m.v[j], e.bias + 16 * j) : zero;
#pragma GCC unroll 16
  for (int r = 0; r < MR; ++r)
#pragma GCC unroll 4
    for (int j = 0; j < NV; ++j) {
      __m512 v = _mm512_add_ps(acc[r][j], bias[j]);
      if (e.relu)  // x > 0 ? x : 0, as the elementwise ReLU (and NaN -> 0 like it)
        v = _mm512_maskz_mov_ps(_mm512_cmp_ps_mask(v, zero, _CMP_GT_OQ), v);
      _mm512_mask_storeu_ps(c + r * ldc + 16 * j, m.v[j], v);
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
TileFn tile_of(int64_t rows, int64_t cols) {
  // A full tile loads B unmasked (a masked zmm load costs an extra uop on this CPU's FMA ports).
  return (cols >= 16 * NV ? kTilesOf<kOrder, true, NV> : kTilesOf<kOrder, false, NV>)[rows - 1];
}
// The tile for `rows` rows (1..kTileRows) and `cols` columns (1..kPanel).
template <AOrder kOrder>
TileFn tile_for(int64_t rows, int64_t cols) {
  switch ((std::min<int64_t>(cols, kPanel) + 15) / 16) {
    case 1: return tile_of<kOrder, 1>(rows, cols);
    case 2: return tile_of<kOrder, 2>(rows, cols);
    case 3: return tile_of<kOrder, 3>(rows, cols);
    default: return tile_of<kOrder, 4>(rows, cols);
  }
}

// C[rows, cols] (=|+=) A[rows, K] . B[K, cols], then the epilogue. Blocked so that each
// kDepth x kPanel block of B (16 KB) stays in L1 while every band of rows of the group uses
// it: streaming B from L2 for every tile held the first version at 60% of the FMA peak.
// Callers pass groups of at most kGroupRows rows, so A and C stay in L2 across the blocks.
constexpr int64_t kDepth = 64;
constexpr int64_t kGroupRows = 192;

template <AOrder kOrder>
void gemm_group(int64_t rows, int64_t cols, int64_t K, const float* a, int64_t lda,
                const float* b, int64_t ldb, float* c, int64_t ldc, bool accumulate,
                Epilogue e) {
  if (K == 0 && !accumulate) {  // nothing to multiply: the epilogue over zeros
    for (int64_t r0 = 0; r0 < rows; r0 += kTileRows)
      for (int64_t c0 = 0; c0 < cols; c0 += kPanel)
        tile_for<kOrder>(std::min<int64_t>(kTileRows, rows - r0), cols - c0)(
            0, a, lda, b, ldb, column_mask(cols - c0), c + r0 * ldc + c0, ldc, false,
            {e.bias ? e.bias + c0 : nullptr, e.relu});
    return;
  }
  for (int64_t k0 = 0; k0 < K; k0 += kDepth) {
    const int64_t kc = std::min(kDepth, K - k0);
    const bool last = k0 + kc == K;
    for (int64_t c0 = 0; c0 < cols; c0 += kPanel) {
      const ColumnMask m = column_mask(cols - c0);
      const Epilogue ep = last ? Epilogue{e.bias ? e.bias + c0 : nullptr, e.relu} : Epilogue{};
      for (int64_t r0 = 0; r0 < rows; r0 += kTileRows) {
        const float* ak = kOrder == AOrder::RowMajor ? a + r0 * lda + k0 : a + k0 * lda + r0;
        tile_for<kOrder>(std::min<int64_t>(kTileRows, rows - r0), cols - c0)(
            kc, ak, lda, b + k0 * ldb + c0, ldb, m, c + r0 * ldc + c0, ldc,
            accumulate || k0 > 0, ep);
      }
    }
  }
}

// Leading dimension for our own copies of B: a multiple of 16 floats, and not of 128 (512
// bytes): with rows 512 bytes apart, a 64-row block of B falls into 8 of L1's 64 sets and
// evicts itself (8 ways), which held the kernel near 60% of peak.
int64_t padded_ld(int64_t cols) {
  int64_t ld = (cols + 15) / 16 * 16;
  return ld % 128 == 0 ? ld + 16 : ld;
}

// dst[c * ldd + r] = src[r * lds + c] for r < rows, c < cols, in 16 x 16 blocks transposed in
// registers (the scalar loop cost as much as a batch-64 layer's whole forward). GCC 12's
// unpack intrinsics start from _mm512_undefined_ps(), which -Wmaybe-uninitialized flags.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
void transpose(const float* src, int64_t rows, int64_t cols, int64_t lds, float* dst,
               int64_t ldd) {
  for (int64_t r0 = 0; r0 < rows; r0 += 16)
    for (int64_t c0 = 0; c0 < cols; c0 += 16) {
      const int64_t nr = std::min<int64_t>(16, rows - r0), nc = std::min<int64_t>(16, cols - c0);
      const __mmask16 col_mask = mask_bits(nc), row_mask = mask_bits(nr);
      __m512 r[16], t[16];
      for (int i = 0; i < 16; ++i)
        r[i] = i < nr ? _mm512_maskz_loadu_ps(col_mask, src + (r0 + i) * lds + c0)
                      : _mm512_setzero_ps();
      for (int i = 0; i < 8; ++i) {
        t[2 * i] = _mm512_unpacklo_ps(r[2 * i], r[2 * i + 1]);
        t[2 * i + 1] = _mm512_unpackhi_ps(r[2 * i], r[2 * i + 1]);
      }
      for (int i = 0; i < 4; ++i) {
        r[4 * i] = _mm512_shuffle_ps(t[4 * i], t[4 * i + 2], _MM_SHUFFLE(1, 0, 1, 0));
        r[4 * i + 1] = _mm512_shuffle_ps(t[4 * i], t[4 * i + 2], _MM_SHUFFLE(3, 2, 3, 2));
        r[4 * i + 2] = _mm512_shuffle_ps(t[4 * i + 1], t[4 * i + 3], _MM_SHUFFLE(1, 0, 1, 0));
        r[4 * i + 3] = _mm512_shuffle_ps(t[4 * i + 1], t[4 * i + 3], _MM_SHUFFLE(3, 2, 3, 2));
      }
      for (int i = 0; i < 4; ++i) {
        t[i] = _mm512_shuffle_f32x4(r[i], r[4 + i], 0x88);
        t[4 + i] = _mm512_shuffle_f32x4(r[i], r[4 + i], 0xdd);
        t[8 + i] = _mm512_shuffle_f32x4(r[8 + i], r[12 + i], 0x88);
        t[12 + i] = _mm512_shuffle_f32x4(r[8 + i], r[12 + i], 0xdd);
      }
      for (int i = 0; i < 8; ++i) {
        r[i] = _mm512_shuffle_f32x4(t[i], t[8 + i], 0x88);
        r[8 + i] = _mm512_shuffle_f32x4(t[i], t[8 + i], 0xdd);
      }
      for (int j = 0; j < nc; ++j) _mm512_mask_storeu_ps(dst + (c0 + j) * ldd + r0, row_mask, r[j]);
    }
}
#pragma GCC diagnostic pop

bool run_parallel(int64_t rows, int64_t in, int64_t out) {
  return rows * in * out >= kParallelWork && omp_get_max_threads() > 1;
}

// A buffer per thread that only grows, so steady-state training allocates nothing. 64-byte
// aligned: a zmm load that straddles two cache lines costs two.
struct Scratch {
  std::vector<float> storage;
  float* get(size_t n) {
    if (storage.size() < n + 16) storage.resize(n + 16);
    auto p = reinterpret_cast<uintptr_t>(storage.data());
    return reinterpret_cast<float*>((p + 63) & ~uintptr_t(63));
  }
};

// The rows thread t of n takes: an even share in whole tiles, contiguous, so that neither
// thread waits at the end of a layer for the other's extra row group.
struct RowRange {
  int64_t begin, end;
};
RowRange share_of(int64_t rows, int t, int n) {
  const int64_t bands = (rows + kTileRows - 1) / kTileRows;
  return {std::min(rows, bands * t / n * kTileRows), std::min(rows, bands * (t + 1) / n * kTileRows)};
}

// One thread's share of the backward (rows [rows.begin, rows.end)), chunk by chunk of
// kGroupRows batch rows. The chunk's gz and x are copied to L2-resident buffers
// with conflict-free leading dimensions (see padded_ld), then feed db, dx = gz w (w packed as
// wp, leading dim ldw) and dW += gz^T x into this thread's gw_part [out, in] / gb_part [out].
void backward_chunks(RowRange rows, int64_t in, int64_t out, const float* g, const float* y,
                     bool relu, const float* x, const float* wp, int64_t ldw, float* gx,
                     float* gw_part, float* gb_part) {
  thread_local Scratch gz_buffer, x_buffer;
  const int64_t ldg = padded_ld(out), ldx = padded_ld(in);
  float* gz = gz_buffer.get(size_t(kGroupRows * ldg));
  float* xc = gw_part ? x_buffer.get(size_t(kGroupRows * ldx)) : nullptr;
  const __m512 zero = _mm512_setzero_ps();
  for (int64_t r0 = rows.begin; r0 < rows.end; r0 += kGroupRows) {
    const int64_t nr = std::min(kGroupRows, rows.end - r0);
    for (int64_t r = 0; r < nr; ++r) {  // gz = g * (y > 0), or g
      const float* gr = g + (r0 + r) * out;
      const float* yr = relu ? y + (r0 + r) * out : nullptr;
      for (int64_t c0 = 0; c0 < out; c0 += 16) {
        __mmask16 m = mask_bits(out - c0);
        if (relu) m = _mm512_mask_cmp_ps_mask(m, _mm512_maskz_loadu_ps(m, yr + c0), zero, _CMP_GT_OQ);
        _mm512_storeu_ps(gz + r * ldg + c0, _mm512_maskz_loadu_ps(m, gr + c0));
      }
    }
    if (gb_part) {
      for (int64_t c0 = 0; c0 < out; c0 += 16) {
        const __mmask16 m = mask_bits(out - c0);
        __m512 s = _mm512_maskz_loadu_ps(m, gb_part + c0);
        for (int64_t r = 0; r < nr; ++r) s = _mm512_add_ps(s, _mm512_loadu_ps(gz + r * ldg + c0));
        _mm512_mask_storeu_ps(gb_part + c0, m, s);
      }
    }
    if (gx) gemm_group<AOrder::RowMajor>(nr, in, out, gz, ldg, wp, ldw, gx + r0 * in, in, false, {});
    if (gw_part) {
      for (int64_t r = 0; r < nr; ++r)
        std::copy(x + (r0 + r) * in, x + (r0 + r + 1) * in, xc + r * ldx);
      gemm_group<AOrder::ColMajor>(out, in, nr, gz, ldg, xc, ldx, gw_part, in, true, {});
    }
  }
}

}  // namespace

bool available() { return true; }

void forward(int64_t rows, int64_t in, int64_t out, const float* x, const float* w,
             const float* bias, bool relu, float* y) {
  if (rows <= 0 || out <= 0) return;
  thread_local Scratch wt_buffer;  // W^T: row k holds every output's weight k
  const int64_t ldw = padded_ld(out);
  float* wt = wt_buffer.get(size_t(in * ldw));
  transpose(w, out, in, in, wt, ldw);
  const Epilogue e{bias, relu};
  auto run = [&](RowRange range) {
    for (int64_t r0 = range.begin; r0 < range.end; r0 += kGroupRows)
      gemm_group<AOrder::RowMajor>(std::min(kGroupRows, range.end - r0), out, in, x + r0 * in,
                                   in, wt, ldw, y + r0 * out, out, false, e);
  };
  if (!run_parallel(rows, in, out)) {
    run({0, rows});
    return;
  }
#pragma omp parallel
  run(share_of(rows, omp_get_thread_num(), omp_get_num_threads()));
}

void backward(int64_t rows, int64_t in, int64_t out, const float* g, const float* y, bool relu,
              const float* x, const float* w, float* gx, float* gw, float* gb) {
  if (relu && !y) throw std::invalid_argument("dense::backward: relu needs the forward output");
  const int threads = run_parallel(rows, in, out) ? omp_get_max_threads() : 1;
  thread_local Scratch w_buffer;  // w with a conflict-free leading dimension, for dx = gz w
  const int64_t ldw = padded_ld(in);
  float* wp = nullptr;
  if (gx) {
    wp = w_buffer.get(size_t(out * ldw));
    for (int64_t n = 0; n < out; ++n) std::copy(w + n * in, w + (n + 1) * in, wp + n * ldw);
  }
  // With one thread the chunks sum straight into gw and gb. Otherwise each thread sums into
  // its own slice and the slices are added at the end in thread order, so the result does not
  // depend on timing.
  if (threads == 1) {
    if (gw) std::fill(gw, gw + out * in, 0.0f);
    if (gb) std::fill(gb, gb + out, 0.0f);
    backward_chunks({0, rows}, in, out, g, y, relu, x, wp, ldw, gx, gw, gb);
    return;
  }
  thread_local Scratch partial_buffer;
  const int64_t slice = (gw ? out * in : 0) + (gb ? out : 0);
  float* partials = partial_buffer.get(size_t(slice * threads));
  std::fill(partials, partials + slice * threads, 0.0f);
  auto gw_part = [&](int t) { return gw ? partials + t * slice : nullptr; };
  auto gb_part = [&](int t) { return gb ? partials + t * slice + (gw ? out * in : 0) : nullptr; };
#pragma omp parallel num_threads(threads)
  {
    const int t = omp_get_thread_num();
    backward_chunks(share_of(rows, t, omp_get_num_threads()), in, out, g, y, relu, x, wp, ldw,
                    gx, gw_part(t), gb_part(t));
  }
  auto reduce = [&](float* dst, auto part, int64_t n) {
    if (!dst) return;
    std::copy(part(0), part(0) + n, dst);
    for (int t = 1; t < threads; ++t) {
      const float* p = part(t);
      for (int64_t i = 0; i < n; ++i) dst[i] += p[i];
    }
  };
  reduce(gw, gw_part, out * in);
  reduce(gb, gb_part, out);
}

#else  // no AVX-512: callers use BLAS

bool available() { return false; }
void forward(int64_t, int64_t, int64_t, const float*, const float*, const float*, bool, float*) {
  throw std::logic_error("dense::forward: built without AVX-512");
}
void backward(int64_t, int64_t, int64_t, const float*, const float*, bool, const float*,
              const float*, float*, float*, float*) {
  throw std::logic_error("dense::backward: built without AVX-512");
}

#endif

}  // namespace scidl::backend::cpu::dense
