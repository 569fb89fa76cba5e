// Small AVX-512 helpers shared by scidl's own CPU kernels (dense layers, convolutions): lane
// masks, a 16 x 16 register transpose and a per-thread scratch buffer. Only for translation
// units compiled with AVX-512F.
#pragma once
#include <cstdint>
#include <vector>

#if SCIDL_CPU_ISA_LEVEL >= 2
#include <immintrin.h>

#include <omp.h>

#include <algorithm>
#include "scidl/backend/cpu/isa_region.h"

SCIDL_ISA_BEGIN
namespace avx512 {

// The first n lanes (0..16) of a 16-lane vector.
inline __mmask16 mask_bits(int64_t n) {
  return n >= 16 ? __mmask16(0xFFFF) : n <= 0 ? __mmask16(0) : __mmask16((1u << n) - 1);
}

// r[i] lane j <- r[j] lane i: a 16 x 16 transpose in registers (64 shuffles). GCC 12's unpack
// intrinsics start from _mm512_undefined_ps(), which -Wmaybe-uninitialized flags.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
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

// dst[c * ldd + r] = src[r * lds + c] for r < rows, c < cols, in 16 x 16 blocks transposed in
// registers (the scalar loop cost as much as a batch-64 layer's whole forward).
inline void transpose(const float* src, int64_t rows, int64_t cols, int64_t lds, float* dst,
                      int64_t ldd) {
  for (int64_t r0 = 0; r0 < rows; r0 += 16)
    for (int64_t c0 = 0; c0 < cols; c0 += 16) {
      const int64_t nr = std::min<int64_t>(16, rows - r0), nc = std::min<int64_t>(16, cols - c0);
      const __mmask16 col_mask = mask_bits(nc), row_mask = mask_bits(nr);
      __m512 r[16];
      for (int i = 0; i < 16; ++i)
        r[i] = i < nr ? _mm512_maskz_loadu_ps(col_mask, src + (r0 + i) * lds + c0)
                      : _mm512_setzero_ps();
      transpose16(r);
      for (int j = 0; j < nc; ++j) _mm512_mask_storeu_ps(dst + (c0 + j) * ldd + r0, row_mask, r[j]);
    }
}
#pragma GCC diagnostic pop

// A buffer per thread that only grows, so steady-state training allocates nothing. 64-byte
// aligned: a zmm load that straddles two cache lines costs two.
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

}  // namespace avx512
SCIDL_ISA_END

#endif
