// The AMX kernels of the AVX-512 copy of the backend (amx_bf16.h); the switch and the OS's
// grant of the tile state are shared (kernel_families.cpp).
#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include <algorithm>

#include "scidl/backend/cpu/amx_bf16.h"
#include "scidl/backend/cpu/isa_region.h"
#include "scidl/backend/cpu/simd16.h"

#if defined(SCIDL_HAVE_AMX)
SCIDL_ISA_BEGIN
namespace amx {

namespace {
// Every tile 16 rows x 64 bytes (palette 1). A constant in memory: GCC 12 does not see that
// ldtilecfg reads its operand and drops the stores that fill a local one.
struct alignas(64) TileConfig {
  uint8_t palette = 1, start_row = 0;
  uint8_t reserved[14] = {};
  uint16_t bytes_per_row[16] = {64, 64, 64, 64, 64, 64, 64, 64};
  uint8_t rows[16] = {16, 16, 16, 16, 16, 16, 16, 16};
};
constexpr TileConfig kTileConfig{};
}  // namespace

// GCC 12's widening and unpack intrinsics start from _mm512_undefined_*(), which
// -Wmaybe-uninitialized flags where they are inlined.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

// x (16 floats) as three bfloat16 vectors whose sum is x (round to nearest, each step exact).
struct Split16 {
  __m256i hi, mid, lo;
};
inline __m512 widen(__m256i h) {
  return _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_cvtepu16_epi32(h), 16));
}
inline Split16 split16(__m512 x) {
  Split16 s;
  s.hi = __m256i(_mm512_cvtneps_pbh(x));
  const __m512 r1 = _mm512_sub_ps(x, widen(s.hi));
  s.mid = __m256i(_mm512_cvtneps_pbh(r1));
  s.lo = __m256i(_mm512_cvtneps_pbh(_mm512_sub_ps(r1, widen(s.mid))));
  return s;
}

inline void store_planes(const Split16& s, Planes dst, int64_t at) {
  _mm256_store_si256(reinterpret_cast<__m256i*>(dst.p[0] + at), s.hi);
  _mm256_store_si256(reinterpret_cast<__m256i*>(dst.p[1] + at), s.mid);
  _mm256_store_si256(reinterpret_cast<__m256i*>(dst.p[2] + at), s.lo);
}

// A from src[rows x cols] (leading dimension ld): rows [rows, rows_pad) zero. cols % 32 == 0,
// rows_pad % 16 == 0; each plane holds rows_pad * cols bfloat16s (64-byte aligned).
void split_rows(const float* src, int64_t rows, int64_t cols, int64_t ld, int64_t rows_pad,
                Planes dst) {
  const int64_t chunks = cols / 32;
  for (int64_t r = 0; r < rows_pad; ++r)
    for (int64_t c = 0; c < cols; c += 16) {
      const Split16 s = split16(r < rows ? _mm512_loadu_ps(src + r * ld + c) : _mm512_setzero_ps());
      store_planes(s, dst, (r / 16 * chunks + c / 32) * kTileElements + r % 16 * 32 + c % 32);
    }
}

// A from the transpose of src[rows x cols]: A's row i is src's column i (A is cols x rows,
// rows padded with zeros to rows_pad). cols % 16 == 0, rows_pad % 32 == 0.
void split_columns(const float* src, int64_t rows, int64_t cols, int64_t ld, int64_t rows_pad,
                   Planes dst) {
  const int64_t chunks = rows_pad / 32;
  for (int64_t r0 = 0; r0 < rows_pad; r0 += 16)
    for (int64_t c0 = 0; c0 < cols; c0 += 16) {
      __m512 v[16];
      for (int i = 0; i < 16; ++i)
        v[i] = r0 + i < rows ? _mm512_loadu_ps(src + (r0 + i) * ld + c0) : _mm512_setzero_ps();
      simd::transpose16(v);  // v[j] = column c0 + j, rows r0 .. r0 + 15
      for (int j = 0; j < 16; ++j) {
        const int64_t a_row = c0 + j;
        store_planes(split16(v[j]), dst,
                     (a_row / 16 * chunks + r0 / 32) * kTileElements + a_row % 16 * 32 + r0 % 32);
      }
    }
}

// B from src[rows x cols]: rows [rows, rows_pad) zero. cols % 16 == 0, rows_pad % 32 == 0.
void split_pairs(const float* src, int64_t rows, int64_t cols, int64_t ld, int64_t rows_pad,
                 Planes dst) {
  const __m512 zero = _mm512_setzero_ps();
  const int64_t chunks = rows_pad / 32;
  for (int64_t r = 0; r < rows_pad; r += 2)
    for (int64_t c = 0; c < cols; c += 16) {
      const Split16 e = split16(r < rows ? _mm512_loadu_ps(src + r * ld + c) : zero);
      const Split16 o = split16(r + 1 < rows ? _mm512_loadu_ps(src + (r + 1) * ld + c) : zero);
      const int64_t at = (c / 16 * chunks + r / 32) * kTileElements + r % 32 / 2 * 32;
      const __m256i* ev[3] = {&e.hi, &e.mid, &e.lo};
      const __m256i* ov[3] = {&o.hi, &o.mid, &o.lo};
      for (int q = 0; q < 3; ++q) {
        const __m512i v = _mm512_or_si512(_mm512_cvtepu16_epi32(*ev[q]),
                                          _mm512_slli_epi32(_mm512_cvtepu16_epi32(*ov[q]), 16));
        _mm512_store_si512(dst.p[q] + at, v);
      }
    }
}

#pragma GCC diagnostic pop

void configure_thread() { _tile_loadconfig(&kTileConfig); }
void release_thread() { _tile_release(); }

// Tiles 0-3 hold a 32 x 32 block of C (0: rows 0-15, columns 0-15; 1: rows 0-15, columns
// 16-31; 2 and 3 the next 16 rows), 4-5 the two row halves of an A plane's 32 x 32 slice, 6-7
// the two column halves of a B plane's. The six products run grouped by A's plane, so each A
// slice is loaded once per K step: 6 A loads and 12 B loads per 24 tile products.
void gemm(int64_t M, int64_t N, int64_t K, ConstPlanes a, ConstPlanes b, float* c, int64_t ldc,
          bool accumulate, Epilogue e) {
  const int64_t chunks = K / 32, c_stride = ldc * 4;
  constexpr int64_t kRow = 64;  // bytes per tile row, packed
  const bool direct = !e.bias && !e.relu && M % 32 == 0;
  alignas(64) float staged[4][16 * 16];
  for (int64_t n0 = 0; n0 < N; n0 += 32)
    for (int64_t m0 = 0; m0 < M; m0 += 32) {
      float* c_block = c + m0 * ldc + n0;
      if (accumulate) {
        _tile_loadd(0, c_block, c_stride);
        _tile_loadd(1, c_block + 16, c_stride);
        _tile_loadd(2, c_block + 16 * ldc, c_stride);
        _tile_loadd(3, c_block + 16 * ldc + 16, c_stride);
      } else {
        _tile_zero(0);
        _tile_zero(1);
        _tile_zero(2);
        _tile_zero(3);
      }
      for (int64_t k0 = 0; k0 < K; k0 += 32) {
        const int64_t q = k0 / 32;
        const int64_t a_at = (m0 / 16 * chunks + q) * kTileElements;
        const int64_t b_at = (n0 / 16 * chunks + q) * kTileElements;
        auto load_a = [&](int plane) {
          _tile_loadd(4, a.p[plane] + a_at, kRow);
          _tile_loadd(5, a.p[plane] + a_at + chunks * kTileElements, kRow);
        };
        auto times_b = [&](int plane) {
          _tile_loadd(6, b.p[plane] + b_at, kRow);
          _tile_loadd(7, b.p[plane] + b_at + chunks * kTileElements, kRow);
          _tile_dpbf16ps(0, 4, 6);
          _tile_dpbf16ps(1, 4, 7);
          _tile_dpbf16ps(2, 5, 6);
          _tile_dpbf16ps(3, 5, 7);
        };
        load_a(0);
        times_b(0);
        times_b(1);
        times_b(2);
        load_a(1);
        times_b(0);
        times_b(1);
        load_a(2);
        times_b(0);
      }
      if (direct) {
        _tile_stored(0, c_block, c_stride);
        _tile_stored(1, c_block + 16, c_stride);
        _tile_stored(2, c_block + 16 * ldc, c_stride);
        _tile_stored(3, c_block + 16 * ldc + 16, c_stride);
        continue;
      }
      _tile_stored(0, staged[0], 64);
      _tile_stored(1, staged[1], 64);
      _tile_stored(2, staged[2], 64);
      _tile_stored(3, staged[3], 64);
      const __m512 zero = _mm512_setzero_ps();
      const __m512 bias[2] = {e.bias ? _mm512_loadu_ps(e.bias + n0) : zero,
                              e.bias ? _mm512_loadu_ps(e.bias + n0 + 16) : zero};
      const int64_t rows = std::min<int64_t>(32, M - m0);
      for (int64_t r = 0; r < rows; ++r)
        for (int half = 0; half < 2; ++half) {
          __m512 v =
              _mm512_add_ps(_mm512_load_ps(staged[r / 16 * 2 + half] + r % 16 * 16), bias[half]);
          if (e.relu)  // x < 0 ? 0 : x, as the elementwise ReLU (NaN passes through)
            v = _mm512_mask_mov_ps(v, _mm512_cmp_ps_mask(v, zero, _CMP_LT_OQ), zero);
          _mm512_storeu_ps(c_block + r * ldc + 16 * half, v);
        }
    }
}

}  // namespace amx
SCIDL_ISA_END
#endif
