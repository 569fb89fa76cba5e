// The 16-float vector scidl's own CPU kernels are written in (dense layers, convolutions): one
// zmm register in the AVX-512 copy of the backend, two ymm registers in the AVX2 copy, four
// NEON q registers in the aarch64 copy, an array the compiler vectorises as it can in the
// portable copy (isa.h); with a 16-lane mask, a 16 x 16
// transpose and a per-thread scratch buffer. The kernels' tile shapes (gemm_tiles.h: kVectors,
// kTileRows) say how many vectors a micro-tile keeps, since the sets' register files differ.
#pragma once
#include <cstdint>
#include <vector>

#include "scidl/backend/cpu/isa_region.h"

#if SCIDL_CPU_ISA_LEVEL == 1 || SCIDL_CPU_ISA_LEVEL == 2
#include <immintrin.h>
#elif SCIDL_CPU_ISA_LEVEL == 3
#include <arm_neon.h>
#endif
#include <omp.h>

#include <utility>

#include <algorithm>

SCIDL_ISA_BEGIN
namespace simd {

// GCC 12's AVX-512 intrinsics start some results from _mm512_undefined_*(), which
// -Wmaybe-uninitialized flags where they are inlined.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

#if SCIDL_CPU_ISA_LEVEL == 2

struct F16 {
  __m512 v;
};
struct M16 {
  __mmask16 v;
};

// The first n lanes (0..16).
inline M16 mask_bits(int64_t n) {
  return {n >= 16 ? __mmask16(0xFFFF) : n <= 0 ? __mmask16(0) : __mmask16((1u << n) - 1)};
}
inline F16 zero16() { return {_mm512_setzero_ps()}; }
inline F16 set16(float x) { return {_mm512_set1_ps(x)}; }
inline F16 load16(const float* p) { return {_mm512_loadu_ps(p)}; }
inline F16 load16(M16 m, const float* p) { return {_mm512_maskz_loadu_ps(m.v, p)}; }  // 0 off m
inline void store16(float* p, F16 x) { _mm512_storeu_ps(p, x.v); }
inline void store16(float* p, M16 m, F16 x) { _mm512_mask_storeu_ps(p, m.v, x.v); }
inline F16 operator+(F16 a, F16 b) { return {_mm512_add_ps(a.v, b.v)}; }
inline F16 operator-(F16 a, F16 b) { return {_mm512_sub_ps(a.v, b.v)}; }
inline F16 operator*(F16 a, F16 b) { return {_mm512_mul_ps(a.v, b.v)}; }
inline F16 fmadd(F16 a, F16 b, F16 c) { return {_mm512_fmadd_ps(a.v, b.v, c.v)}; }    // a b + c
inline F16 fnmadd(F16 a, F16 b, F16 c) { return {_mm512_fnmadd_ps(a.v, b.v, c.v)}; }  // c - a b
// x < 0 ? 0 : x, as the elementwise ReLU (NaN passes through).
inline F16 relu(F16 x) {
  const __m512 zero = _mm512_setzero_ps();
  return {_mm512_mask_mov_ps(x.v, _mm512_cmp_ps_mask(x.v, zero, _CMP_LT_OQ), zero)};
}
// The lanes of m where y > 0.
inline M16 positive(M16 m, F16 y) {
  return {_mm512_mask_cmp_ps_mask(m.v, y.v, _mm512_setzero_ps(), _CMP_GT_OQ)};
}
inline F16 keep(M16 m, F16 x) { return {_mm512_maskz_mov_ps(m.v, x.v)}; }  // 0 off m
inline float reduce_add(F16 x) { return _mm512_reduce_add_ps(x.v); }

#elif SCIDL_CPU_ISA_LEVEL == 1  // AVX2: two halves

struct F16 {
  __m256 lo, hi;
};
struct M16 {
  __m256i lo, hi;
};

inline M16 mask_bits(int64_t n) {
  alignas(64) static constexpr int32_t kOnes[32] = {-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
                                                    -1, -1, -1, -1, -1, 0,  0,  0,  0,  0,  0,
                                                    0,  0,  0,  0,  0,  0,  0,  0,  0,  0};
  const int64_t k = std::clamp<int64_t>(n, 0, 16);  // lane i is on when 16 - k + i < 16
  return {_mm256_loadu_si256(reinterpret_cast<const __m256i*>(kOnes + 16 - k)),
          _mm256_loadu_si256(reinterpret_cast<const __m256i*>(kOnes + 24 - k))};
}
inline F16 zero16() { return {_mm256_setzero_ps(), _mm256_setzero_ps()}; }
inline F16 set16(float x) { return {_mm256_set1_ps(x), _mm256_set1_ps(x)}; }
inline F16 load16(const float* p) { return {_mm256_loadu_ps(p), _mm256_loadu_ps(p + 8)}; }
inline F16 load16(M16 m, const float* p) {
  return {_mm256_maskload_ps(p, m.lo), _mm256_maskload_ps(p + 8, m.hi)};
}
inline void store16(float* p, F16 x) {
  _mm256_storeu_ps(p, x.lo);
  _mm256_storeu_ps(p + 8, x.hi);
}
// AVX2's masked store (vmaskmovps) is microcoded on AMD's Zen, many times a plain store's cost:
// a half whose lanes are all on is stored plainly, one whose lanes are all off not at all.
inline void store8(float* p, __m256i m, __m256 x) {
  const int on = _mm256_movemask_ps(_mm256_castsi256_ps(m));
  if (on == 0xff)
    _mm256_storeu_ps(p, x);
  else if (on != 0)
    _mm256_maskstore_ps(p, m, x);
}
inline void store16(float* p, M16 m, F16 x) {
  store8(p, m.lo, x.lo);
  store8(p + 8, m.hi, x.hi);
}
inline F16 operator+(F16 a, F16 b) {
  return {_mm256_add_ps(a.lo, b.lo), _mm256_add_ps(a.hi, b.hi)};
}
inline F16 operator-(F16 a, F16 b) {
  return {_mm256_sub_ps(a.lo, b.lo), _mm256_sub_ps(a.hi, b.hi)};
}
inline F16 operator*(F16 a, F16 b) {
  return {_mm256_mul_ps(a.lo, b.lo), _mm256_mul_ps(a.hi, b.hi)};
}
inline F16 fmadd(F16 a, F16 b, F16 c) {
  return {_mm256_fmadd_ps(a.lo, b.lo, c.lo), _mm256_fmadd_ps(a.hi, b.hi, c.hi)};
}
inline F16 fnmadd(F16 a, F16 b, F16 c) {
  return {_mm256_fnmadd_ps(a.lo, b.lo, c.lo), _mm256_fnmadd_ps(a.hi, b.hi, c.hi)};
}
inline F16 relu(F16 x) {
  const __m256 zero = _mm256_setzero_ps();
  return {_mm256_andnot_ps(_mm256_cmp_ps(x.lo, zero, _CMP_LT_OQ), x.lo),
          _mm256_andnot_ps(_mm256_cmp_ps(x.hi, zero, _CMP_LT_OQ), x.hi)};
}
inline M16 positive(M16 m, F16 y) {
  const __m256 zero = _mm256_setzero_ps();
  return {_mm256_and_si256(m.lo, _mm256_castps_si256(_mm256_cmp_ps(y.lo, zero, _CMP_GT_OQ))),
          _mm256_and_si256(m.hi, _mm256_castps_si256(_mm256_cmp_ps(y.hi, zero, _CMP_GT_OQ)))};
}
inline F16 keep(M16 m, F16 x) {
  return {_mm256_and_ps(_mm256_castsi256_ps(m.lo), x.lo),
          _mm256_and_ps(_mm256_castsi256_ps(m.hi), x.hi)};
}
inline float reduce_add(F16 x) {
  const __m256 s = _mm256_add_ps(x.lo, x.hi);
  __m128 q = _mm_add_ps(_mm256_castps256_ps128(s), _mm256_extractf128_ps(s, 1));
  q = _mm_add_ps(q, _mm_movehl_ps(q, q));
  q = _mm_add_ss(q, _mm_movehdup_ps(q));
  return _mm_cvtss_f32(q);
}

#elif SCIDL_CPU_ISA_LEVEL == 3  // NEON: four quarters

struct F16 {
  float32x4_t q[4];
};
struct M16 {
  uint32x4_t q[4];  // all ones on, 0 off
};

inline M16 mask_bits(int64_t n) {
  alignas(64) static constexpr uint32_t kOnes[32] = {
      ~0u, ~0u, ~0u, ~0u, ~0u, ~0u, ~0u, ~0u, ~0u, ~0u, ~0u, ~0u, ~0u, ~0u, ~0u, ~0u,
      0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0};
  const uint32_t* on = kOnes + 16 - std::clamp<int64_t>(n, 0, 16);  // lane i on when i < n
  return {{vld1q_u32(on), vld1q_u32(on + 4), vld1q_u32(on + 8), vld1q_u32(on + 12)}};
}
inline F16 zero16() {
  const float32x4_t z = vdupq_n_f32(0.0f);
  return {{z, z, z, z}};
}
inline F16 set16(float x) {
  const float32x4_t v = vdupq_n_f32(x);
  return {{v, v, v, v}};
}
inline F16 load16(const float* p) {
  return {{vld1q_f32(p), vld1q_f32(p + 4), vld1q_f32(p + 8), vld1q_f32(p + 12)}};
}
// NEON has no masked loads or stores: a quarter all on or all off is one instruction or none,
// the one a mask's edge splits goes lane by lane (lanes off m are never touched: they may lie
// past the end of an array, or belong to another thread).
inline F16 load16(M16 m, const float* p) {
  F16 r;
  for (int k = 0; k < 4; ++k) {
    if (vminvq_u32(m.q[k])) {
      r.q[k] = vld1q_f32(p + 4 * k);
    } else if (!vmaxvq_u32(m.q[k])) {
      r.q[k] = vdupq_n_f32(0.0f);
    } else {
      alignas(16) uint32_t on[4];
      alignas(16) float v[4];
      vst1q_u32(on, m.q[k]);
      for (int i = 0; i < 4; ++i) v[i] = on[i] ? p[4 * k + i] : 0.0f;
      r.q[k] = vld1q_f32(v);
    }
  }
  return r;
}
inline void store16(float* p, F16 x) {
  for (int k = 0; k < 4; ++k) vst1q_f32(p + 4 * k, x.q[k]);
}
inline void store16(float* p, M16 m, F16 x) {
  for (int k = 0; k < 4; ++k) {
    if (vminvq_u32(m.q[k])) {
      vst1q_f32(p + 4 * k, x.q[k]);
    } else if (vmaxvq_u32(m.q[k])) {
      alignas(16) uint32_t on[4];
      alignas(16) float v[4];
      vst1q_u32(on, m.q[k]);
      vst1q_f32(v, x.q[k]);
      for (int i = 0; i < 4; ++i)
        if (on[i]) p[4 * k + i] = v[i];
    }
  }
}
inline F16 operator+(F16 a, F16 b) {
  for (int k = 0; k < 4; ++k) a.q[k] = vaddq_f32(a.q[k], b.q[k]);
  return a;
}
inline F16 operator-(F16 a, F16 b) {
  for (int k = 0; k < 4; ++k) a.q[k] = vsubq_f32(a.q[k], b.q[k]);
  return a;
}
inline F16 operator*(F16 a, F16 b) {
  for (int k = 0; k < 4; ++k) a.q[k] = vmulq_f32(a.q[k], b.q[k]);
  return a;
}
inline F16 fmadd(F16 a, F16 b, F16 c) {
  for (int k = 0; k < 4; ++k) c.q[k] = vfmaq_f32(c.q[k], a.q[k], b.q[k]);
  return c;
}
inline F16 fnmadd(F16 a, F16 b, F16 c) {
  for (int k = 0; k < 4; ++k) c.q[k] = vfmsq_f32(c.q[k], a.q[k], b.q[k]);
  return c;
}
inline F16 relu(F16 x) {  // the lanes where x < 0 cleared (NaN compares false and passes)
  const float32x4_t zero = vdupq_n_f32(0.0f);
  for (int k = 0; k < 4; ++k)
    x.q[k] =
        vreinterpretq_f32_u32(vbicq_u32(vreinterpretq_u32_f32(x.q[k]), vcltq_f32(x.q[k], zero)));
  return x;
}
inline M16 positive(M16 m, F16 y) {
  const float32x4_t zero = vdupq_n_f32(0.0f);
  for (int k = 0; k < 4; ++k) m.q[k] = vandq_u32(m.q[k], vcgtq_f32(y.q[k], zero));
  return m;
}
inline F16 keep(M16 m, F16 x) {
  for (int k = 0; k < 4; ++k)
    x.q[k] = vreinterpretq_f32_u32(vandq_u32(m.q[k], vreinterpretq_u32_f32(x.q[k])));
  return x;
}
inline float reduce_add(F16 x) {
  return vaddvq_f32(vaddq_f32(vaddq_f32(x.q[0], x.q[1]), vaddq_f32(x.q[2], x.q[3])));
}

#else  // portable: four 4-float vectors (GCC's vector extensions: SSE2 on x86-64)

typedef float F4 __attribute__((vector_size(16)));
typedef int32_t I4 __attribute__((vector_size(16)));
struct F16 {
  F4 q[4];
};
struct M16 {
  I4 q[4];  // -1 on, 0 off
};

inline M16 mask_bits(int64_t n) {
  M16 m;
  for (int k = 0; k < 4; ++k)
    for (int i = 0; i < 4; ++i) m.q[k][i] = 4 * k + i < n ? -1 : 0;
  return m;
}
inline F16 zero16() { return {}; }
inline F16 set16(float x) {
  const F4 v = {x, x, x, x};
  return {{v, v, v, v}};
}
inline F16 load16(const float* p) {
  F16 r;
  __builtin_memcpy(&r, p, sizeof r);
  return r;
}
inline F16 load16(M16 m, const float* p) {  // lanes off m are not read
  F16 r;
  for (int k = 0; k < 4; ++k)
    for (int i = 0; i < 4; ++i) r.q[k][i] = m.q[k][i] ? p[4 * k + i] : 0.0f;
  return r;
}
inline void store16(float* p, F16 x) { __builtin_memcpy(p, &x, sizeof x); }
inline void store16(float* p, M16 m, F16 x) {
  for (int k = 0; k < 4; ++k)
    for (int i = 0; i < 4; ++i)
      if (m.q[k][i]) p[4 * k + i] = x.q[k][i];
}
inline F16 operator+(F16 a, F16 b) {
  for (int k = 0; k < 4; ++k) a.q[k] += b.q[k];
  return a;
}
inline F16 operator-(F16 a, F16 b) {
  for (int k = 0; k < 4; ++k) a.q[k] -= b.q[k];
  return a;
}
inline F16 operator*(F16 a, F16 b) {
  for (int k = 0; k < 4; ++k) a.q[k] *= b.q[k];
  return a;
}
inline F16 fmadd(F16 a, F16 b, F16 c) { return a * b + c; }
inline F16 fnmadd(F16 a, F16 b, F16 c) { return c - a * b; }
inline F16 keep(M16 m, F16 x) {
  for (int k = 0; k < 4; ++k) x.q[k] = (F4)((I4)x.q[k] & m.q[k]);
  return x;
}
inline F16 relu(F16 x) {
  const F4 zero = {};
  for (int k = 0; k < 4; ++k) x.q[k] = (F4)((I4)x.q[k] & ~(x.q[k] < zero));
  return x;
}
inline M16 positive(M16 m, F16 y) {
  const F4 zero = {};
  for (int k = 0; k < 4; ++k) m.q[k] &= (y.q[k] > zero);
  return m;
}
inline float reduce_add(F16 x) {
  const F4 s = (x.q[0] + x.q[1]) + (x.q[2] + x.q[3]);
  return (s[0] + s[2]) + (s[1] + s[3]);
}

#endif

// dst[c * ldd + r] = src[r * lds + c] for r < rows, c < cols.
#if SCIDL_CPU_ISA_LEVEL == 2
// r[i] lane j <- r[j] lane i: a 16 x 16 transpose in registers (64 shuffles).
inline void transpose16(__m512 (&r)[16]) {
  __m512 t[16];
#pragma GCC unroll 8
  for (int i = 0; i < 8; ++i) {
    t[2 * i] = _mm512_unpacklo_ps(r[2 * i], r[2 * i + 1]);
    t[2 * i + 1] = _mm512_unpackhi_ps(r[2 * i], r[2 * i + 1]);
  }
#pragma GCC unroll 4
  for (int i = 0; i < 4; ++i) {
    r[4 * i] = _mm512_shuffle_ps(t[4 * i], t[4 * i + 2], _MM_SHUFFLE(1, 0, 1, 0));
    r[4 * i + 1] = _mm512_shuffle_ps(t[4 * i], t[4 * i + 2], _MM_SHUFFLE(3, 2, 3, 2));
    r[4 * i + 2] = _mm512_shuffle_ps(t[4 * i + 1], t[4 * i + 3], _MM_SHUFFLE(1, 0, 1, 0));
    r[4 * i + 3] = _mm512_shuffle_ps(t[4 * i + 1], t[4 * i + 3], _MM_SHUFFLE(3, 2, 3, 2));
  }
#pragma GCC unroll 4
  for (int i = 0; i < 4; ++i) {
    t[i] = _mm512_shuffle_f32x4(r[i], r[4 + i], 0x88);
    t[4 + i] = _mm512_shuffle_f32x4(r[i], r[4 + i], 0xdd);
    t[8 + i] = _mm512_shuffle_f32x4(r[8 + i], r[12 + i], 0x88);
    t[12 + i] = _mm512_shuffle_f32x4(r[8 + i], r[12 + i], 0xdd);
  }
#pragma GCC unroll 8
  for (int i = 0; i < 8; ++i) {
    r[i] = _mm512_shuffle_f32x4(t[i], t[8 + i], 0x88);
    r[8 + i] = _mm512_shuffle_f32x4(t[i], t[8 + i], 0xdd);
  }
}

inline void transpose16(F16 (&r)[16]) {
  __m512 v[16];
  for (int i = 0; i < 16; ++i) v[i] = r[i].v;
  transpose16(v);
  for (int i = 0; i < 16; ++i) r[i].v = v[i];
}

// In 16 x 16 blocks transposed in registers (the scalar loop cost as much as a batch-64
// layer's whole forward).
inline void transpose(const float* src, int64_t rows, int64_t cols, int64_t lds, float* dst,
                      int64_t ldd) {
  for (int64_t r0 = 0; r0 < rows; r0 += 16)
    for (int64_t c0 = 0; c0 < cols; c0 += 16) {
      const int64_t nr = std::min<int64_t>(16, rows - r0), nc = std::min<int64_t>(16, cols - c0);
      const __mmask16 col_mask = mask_bits(nc).v, row_mask = mask_bits(nr).v;
      __m512 r[16];
      for (int i = 0; i < 16; ++i)
        r[i] = i < nr ? _mm512_maskz_loadu_ps(col_mask, src + (r0 + i) * lds + c0)
                      : _mm512_setzero_ps();
      transpose16(r);
      for (int j = 0; j < nc; ++j) _mm512_mask_storeu_ps(dst + (c0 + j) * ldd + r0, row_mask, r[j]);
    }
}
#elif SCIDL_CPU_ISA_LEVEL == 1
// r[i] lane j <- r[j] lane i for 8 x 8.
inline void transpose8(__m256 (&r)[8]) {
  __m256 t[8];
  for (int i = 0; i < 4; ++i) {
    t[2 * i] = _mm256_unpacklo_ps(r[2 * i], r[2 * i + 1]);
    t[2 * i + 1] = _mm256_unpackhi_ps(r[2 * i], r[2 * i + 1]);
  }
  for (int i = 0; i < 2; ++i) {
    r[4 * i] = _mm256_shuffle_ps(t[4 * i], t[4 * i + 2], _MM_SHUFFLE(1, 0, 1, 0));
    r[4 * i + 1] = _mm256_shuffle_ps(t[4 * i], t[4 * i + 2], _MM_SHUFFLE(3, 2, 3, 2));
    r[4 * i + 2] = _mm256_shuffle_ps(t[4 * i + 1], t[4 * i + 3], _MM_SHUFFLE(1, 0, 1, 0));
    r[4 * i + 3] = _mm256_shuffle_ps(t[4 * i + 1], t[4 * i + 3], _MM_SHUFFLE(3, 2, 3, 2));
  }
  for (int i = 0; i < 4; ++i) {
    t[i] = _mm256_permute2f128_ps(r[i], r[4 + i], 0x20);
    t[4 + i] = _mm256_permute2f128_ps(r[i], r[4 + i], 0x31);
  }
  for (int i = 0; i < 8; ++i) r[i] = t[i];
}

// r[i] lane j <- r[j] lane i for 16 x 16, as four 8 x 8 blocks.
inline void transpose16(F16 (&r)[16]) {
  __m256 a[8], b[8], c[8], d[8];  // rows 0-7 and 8-15, lanes 0-7 and 8-15
  for (int i = 0; i < 8; ++i)
    a[i] = r[i].lo, b[i] = r[i].hi, c[i] = r[8 + i].lo, d[i] = r[8 + i].hi;
  transpose8(a), transpose8(b), transpose8(c), transpose8(d);
  for (int j = 0; j < 8; ++j) r[j] = {a[j], c[j]}, r[8 + j] = {b[j], d[j]};
}

// In 8 x 8 blocks transposed in registers; the ragged edges element by element.
inline void transpose(const float* src, int64_t rows, int64_t cols, int64_t lds, float* dst,
                      int64_t ldd) {
  const int64_t full_rows = rows / 8 * 8, full_cols = cols / 8 * 8;
  for (int64_t r0 = 0; r0 < full_rows; r0 += 8)
    for (int64_t c0 = 0; c0 < full_cols; c0 += 8) {
      __m256 r[8];
      for (int i = 0; i < 8; ++i) r[i] = _mm256_loadu_ps(src + (r0 + i) * lds + c0);
      transpose8(r);
      for (int j = 0; j < 8; ++j) _mm256_storeu_ps(dst + (c0 + j) * ldd + r0, r[j]);
    }
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t c = r < full_rows ? full_cols : 0; c < cols; ++c)
      dst[c * ldd + r] = src[r * lds + c];
}
#elif SCIDL_CPU_ISA_LEVEL == 3
// r[i] lane j <- r[j] lane i for 4 x 4: pairs of lanes, then pairs of pairs.
inline void transpose4(float32x4_t& a, float32x4_t& b, float32x4_t& c, float32x4_t& d) {
  const float32x4_t ab0 = vtrn1q_f32(a, b), ab1 = vtrn2q_f32(a, b);
  const float32x4_t cd0 = vtrn1q_f32(c, d), cd1 = vtrn2q_f32(c, d);
  auto pairs = [](float32x4_t v) { return vreinterpretq_f64_f32(v); };
  a = vreinterpretq_f32_f64(vtrn1q_f64(pairs(ab0), pairs(cd0)));
  b = vreinterpretq_f32_f64(vtrn1q_f64(pairs(ab1), pairs(cd1)));
  c = vreinterpretq_f32_f64(vtrn2q_f64(pairs(ab0), pairs(cd0)));
  d = vreinterpretq_f32_f64(vtrn2q_f64(pairs(ab1), pairs(cd1)));
}

// r[i] lane j <- r[j] lane i for 16 x 16: block (rows 4b.., quarter k) becomes block (rows
// 4k.., quarter b), each 4 x 4 transposed.
inline void transpose16(F16 (&r)[16]) {
  F16 t[16];
  for (int b = 0; b < 4; ++b)
    for (int k = 0; k < 4; ++k) {
      float32x4_t v0 = r[4 * b].q[k], v1 = r[4 * b + 1].q[k], v2 = r[4 * b + 2].q[k],
                  v3 = r[4 * b + 3].q[k];
      transpose4(v0, v1, v2, v3);
      t[4 * k].q[b] = v0, t[4 * k + 1].q[b] = v1, t[4 * k + 2].q[b] = v2, t[4 * k + 3].q[b] = v3;
    }
  for (int i = 0; i < 16; ++i) r[i] = t[i];
}

// In 4 x 4 blocks transposed in registers; the ragged edges element by element.
inline void transpose(const float* src, int64_t rows, int64_t cols, int64_t lds, float* dst,
                      int64_t ldd) {
  const int64_t full_rows = rows / 4 * 4, full_cols = cols / 4 * 4;
  for (int64_t r0 = 0; r0 < full_rows; r0 += 4)
    for (int64_t c0 = 0; c0 < full_cols; c0 += 4) {
      float32x4_t a = vld1q_f32(src + r0 * lds + c0), b = vld1q_f32(src + (r0 + 1) * lds + c0),
                  c = vld1q_f32(src + (r0 + 2) * lds + c0),
                  d = vld1q_f32(src + (r0 + 3) * lds + c0);
      transpose4(a, b, c, d);
      vst1q_f32(dst + c0 * ldd + r0, a);
      vst1q_f32(dst + (c0 + 1) * ldd + r0, b);
      vst1q_f32(dst + (c0 + 2) * ldd + r0, c);
      vst1q_f32(dst + (c0 + 3) * ldd + r0, d);
    }
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t c = r < full_rows ? full_cols : 0; c < cols; ++c)
      dst[c * ldd + r] = src[r * lds + c];
}
#else
inline void transpose16(F16 (&r)[16]) {
  float t[16][16];
  for (int i = 0; i < 16; ++i) store16(t[i], r[i]);
  for (int i = 0; i < 16; ++i)
    for (int k = 0; k < 4; ++k)
      for (int l = 0; l < 4; ++l) r[i].q[k][l] = t[4 * k + l][i];
}

inline void transpose(const float* src, int64_t rows, int64_t cols, int64_t lds, float* dst,
                      int64_t ldd) {
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t c = 0; c < cols; ++c) dst[c * ldd + r] = src[r * lds + c];
}
#endif

#pragma GCC diagnostic pop

// A buffer per thread that only grows, so steady-state training allocates nothing. 64-byte
// aligned: a vector load that straddles two cache lines costs two.
struct Scratch {
  std::vector<float> storage;
  float* get(size_t n) {
    if (storage.size() < n + 16) storage.resize(n + 16);
    auto p = reinterpret_cast<uintptr_t>(storage.data());
    return reinterpret_cast<float*>((p + 63) & ~uintptr_t(63));
  }
  // The same, zeroed.
  float* zeroed(size_t n) {
    float* p = get(n);
    std::fill(p, p + n, 0.0f);
    return p;
  }
};

// Threads for a batch of images when every image is one thread's whole job (the convolution
// kernels): all of the pool's, or one per image when there are fewer.
inline int image_threads(int64_t batch) {
  return static_cast<int>(std::min<int64_t>(omp_get_max_threads(), batch));
}

}  // namespace simd
SCIDL_ISA_END
