// Random fills. Values are drawn in element order from one generator, so a seed gives the same
// tensor whatever the thread count.
#include <algorithm>
#include <cmath>

#include "scidl/backend/cpu/avx512_util.h"
#include "scidl/backend/cpu/cpu_backend.h"
#include "scidl/tensor/random.h"

namespace scidl::backend::cpu {

namespace {
template <typename Draw> void fill_with(const Tensor& out, Draw&& draw) {
  Tensor c = out.is_contiguous() ? out : empty_like(out);
  dispatch_float(c.dtype(), [&]<typename scalar_t>() {
    scalar_t* p = c.data<scalar_t>();
    for (int64_t i = 0, n = c.numel(); i < n; ++i) p[i] = static_cast<scalar_t>(draw());
  });
  if (!out.is_contiguous()) out.copy_(c);
}
}  // namespace

void CpuBackend::uniform(const Tensor& out, Generator& gen, double low, double high) {
  fill_with(out, [&] { return low + (high - low) * gen.next_double(); });
}
void CpuBackend::normal(const Tensor& out, Generator& gen, double mean, double stddev) {
  fill_with(out, [&] { return mean + stddev * gen.next_normal(); });
}
namespace {

// Eight xoshiro256** streams split from one generator (gen.split() eight times), stepped
// together: element i of a fill takes stream i % 8's (i / 8)-th draw. One stream is a serial
// chain of ~1 ns per draw (dropout masks drew 300 K of them a step of the lecture CNN, 3.5% of
// it, with the other thread idle); eight independent ones vectorise into one zmm per state word.
class EightStreams {
 public:
  explicit EightStreams(Generator& gen) {
    for (int l = 0; l < 8; ++l) {
      const auto st = gen.split().state().s;
      for (int k = 0; k < 4; ++k) s_[k][l] = st[size_t(k)];
    }
  }
#if defined(__AVX512F__)
// GCC 12's shift intrinsics start from _mm512_undefined_epi32(), which -Wmaybe-uninitialized
// flags.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
  // The same eight steps in four zmm registers; `below` gets each draw's (u >> 11) < threshold.
  template <typename Emit>
  void run(int64_t draws, uint64_t threshold, Emit&& emit) {
    __m512i s0 = _mm512_load_si512(s_[0]), s1 = _mm512_load_si512(s_[1]),
            s2 = _mm512_load_si512(s_[2]), s3 = _mm512_load_si512(s_[3]);
    const __m512i thr = _mm512_set1_epi64(static_cast<long long>(threshold));
    for (int64_t d = 0; d < draws; ++d) {
      const __m512i x = _mm512_rol_epi64(_mm512_add_epi64(_mm512_slli_epi64(s1, 2), s1), 7);
      const __m512i u = _mm512_add_epi64(_mm512_slli_epi64(x, 3), x);  // rotl(s1 * 5, 7) * 9
      const __m512i t = _mm512_slli_epi64(s1, 17);
      s2 = _mm512_xor_si512(s2, s0);
      s3 = _mm512_xor_si512(s3, s1);
      s1 = _mm512_xor_si512(s1, s2);
      s0 = _mm512_xor_si512(s0, s3);
      s2 = _mm512_xor_si512(s2, t);
      s3 = _mm512_rol_epi64(s3, 45);
      emit(d, _mm512_cmplt_epu64_mask(_mm512_srli_epi64(u, 11), thr));
    }
    _mm512_store_si512(s_[0], s0);
    _mm512_store_si512(s_[1], s1);
    _mm512_store_si512(s_[2], s2);
    _mm512_store_si512(s_[3], s3);
  }
#pragma GCC diagnostic pop
#endif
  void next(uint64_t (&out)[8]) {
    for (int l = 0; l < 8; ++l) {  // Generator::next_u64, lane by lane
      out[l] = rotl(s_[1][l] * 5, 7) * 9;
      const uint64_t t = s_[1][l] << 17;
      s_[2][l] ^= s_[0][l];
      s_[3][l] ^= s_[1][l];
      s_[1][l] ^= s_[2][l];
      s_[0][l] ^= s_[3][l];
      s_[2][l] ^= t;
      s_[3][l] = rotl(s_[3][l], 45);
    }
  }

 private:
  static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  alignas(64) uint64_t s_[4][8];
};

}  // namespace

void CpuBackend::bernoulli(const Tensor& out, Generator& gen, double p) {
  // Each stream's next_double() < p, compared in integers: next_double() is (u >> 11) * 2^-53
  // and p * 2^53 is exact, so the draw is below p exactly when (u >> 11) < ceil(p * 2^53).
  const double scaled = std::ceil(std::clamp(p, 0.0, 1.0) * 0x1.0p53);
  const uint64_t threshold = static_cast<uint64_t>(scaled);
  Tensor c = out.is_contiguous() ? out : empty_like(out);
  EightStreams streams(gen);
#if defined(__AVX512F__)
  if (c.dtype() == DType::Float32 || c.dtype() == DType::Float64) {
    const int64_t n = c.numel(), draws = (n + 7) / 8;
    if (c.dtype() == DType::Float32) {
      float* d = c.data<float>();
      const __m256 one = _mm256_set1_ps(1.0f);
      streams.run(draws, threshold, [&](int64_t k, __mmask8 m) {
        _mm256_mask_storeu_ps(d + 8 * k, avx512::mask_bits(n - 8 * k),
                              _mm256_maskz_mov_ps(m, one));
      });
    } else {
      double* d = c.data<double>();
      const __m512d one = _mm512_set1_pd(1.0);
      streams.run(draws, threshold, [&](int64_t k, __mmask8 m) {
        _mm512_mask_storeu_pd(d + 8 * k, __mmask8(avx512::mask_bits(n - 8 * k)),
                              _mm512_maskz_mov_pd(m, one));
      });
    }
    if (!out.is_contiguous()) out.copy_(c);
    return;
  }
#endif
  dispatch_float(c.dtype(), [&]<typename scalar_t>() {
    scalar_t* d = c.data<scalar_t>();
    const int64_t n = c.numel();
    uint64_t u[8];
    for (int64_t i = 0; i < n; i += 8) {
      streams.next(u);
      if (i + 8 <= n) {
        for (int l = 0; l < 8; ++l) d[i + l] = (u[l] >> 11) < threshold ? scalar_t(1) : scalar_t(0);
      } else {
        for (int64_t l = 0; l < n - i; ++l) d[i + l] = (u[l] >> 11) < threshold ? scalar_t(1) : scalar_t(0);
      }
    }
  });
  if (!out.is_contiguous()) out.copy_(c);
}

}  // namespace scidl::backend::cpu
