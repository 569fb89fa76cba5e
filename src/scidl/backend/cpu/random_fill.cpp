// Random fills. Values are drawn in element order from one generator, so a seed gives the same
// tensor whatever the thread count.
#include <algorithm>
#include <array>
#include <cmath>
#include <type_traits>

#if SCIDL_CPU_ISA_LEVEL == 1 || SCIDL_CPU_ISA_LEVEL == 2
#include <immintrin.h>
#endif

#include "scidl/backend/cpu/cpu_backend.h"
#include "scidl/backend/cpu/isa_region.h"
#include "scidl/tensor/random.h"

SCIDL_ISA_BEGIN

namespace {
template <typename Draw>
void fill_with(const Tensor& out, Draw&& draw) {
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
// Calls below(k, m): bit l of m is whether draw k of stream l, as next_double(), is below the
// probability; `threshold` is that probability times 2^53, rounded up.
template <typename Below>
void eight_streams(Generator& gen, int64_t draws, uint64_t threshold, Below&& below) {
  std::array<Generator, 8> lanes;
  for (Generator& lane : lanes) lane = gen.split();
#if SCIDL_CPU_ISA_LEVEL == 2
    // Generator::next_u64 on all eight states at once, one zmm per state word. GCC 12's shift
    // intrinsics start from _mm512_undefined_epi32(), which -Wmaybe-uninitialized flags.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
  alignas(64) uint64_t words[4][8];
  for (int l = 0; l < 8; ++l)
    for (int k = 0; k < 4; ++k) words[k][l] = lanes[size_t(l)].state().s[size_t(k)];
  __m512i s0 = _mm512_load_si512(words[0]), s1 = _mm512_load_si512(words[1]),
          s2 = _mm512_load_si512(words[2]), s3 = _mm512_load_si512(words[3]);
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
    below(d, _mm512_cmplt_epu64_mask(_mm512_srli_epi64(u, 11), thr));
  }
#pragma GCC diagnostic pop
#elif SCIDL_CPU_ISA_LEVEL == 1
  // The same on two ymm per state word (streams 0-3 and 4-7). AVX2 has no 64-bit rotate or
  // unsigned compare: a rotate is two shifts, and as u >> 11 and the threshold are both below
  // 2^63, the signed compare is exact. The scalar loop took the CNN's step 2.2% held to AVX2.
  alignas(32) uint64_t words[4][8];
  for (int l = 0; l < 8; ++l)
    for (int k = 0; k < 4; ++k) words[k][l] = lanes[size_t(l)].state().s[size_t(k)];
  __m256i s[4][2];
  for (int k = 0; k < 4; ++k)
    for (int h = 0; h < 2; ++h)
      s[k][h] = _mm256_load_si256(reinterpret_cast<const __m256i*>(words[k] + 4 * h));
  const __m256i thr = _mm256_set1_epi64x(static_cast<long long>(threshold));
  auto rotl = [](__m256i v, auto bits) {
    return _mm256_or_si256(_mm256_slli_epi64(v, bits.value), _mm256_srli_epi64(v, 64 - bits.value));
  };
  for (int64_t d = 0; d < draws; ++d) {
    unsigned m = 0;
    for (int h = 0; h < 2; ++h) {
      __m256i &s0 = s[0][h], &s1 = s[1][h], &s2 = s[2][h], &s3 = s[3][h];
      const __m256i x =
          rotl(_mm256_add_epi64(_mm256_slli_epi64(s1, 2), s1), std::integral_constant<int, 7>{});
      const __m256i u = _mm256_add_epi64(_mm256_slli_epi64(x, 3), x);  // rotl(s1 * 5, 7) * 9
      const __m256i t = _mm256_slli_epi64(s1, 17);
      s2 = _mm256_xor_si256(s2, s0);
      s3 = _mm256_xor_si256(s3, s1);
      s1 = _mm256_xor_si256(s1, s2);
      s0 = _mm256_xor_si256(s0, s3);
      s2 = _mm256_xor_si256(s2, t);
      s3 = rotl(s3, std::integral_constant<int, 45>{});
      const __m256i below_thr = _mm256_cmpgt_epi64(thr, _mm256_srli_epi64(u, 11));
      m |= unsigned(_mm256_movemask_pd(_mm256_castsi256_pd(below_thr))) << (4 * h);
    }
    below(d, m);
  }
#else
  for (int64_t d = 0; d < draws; ++d) {
    unsigned m = 0;
    for (int l = 0; l < 8; ++l) m |= unsigned((lanes[size_t(l)].next_u64() >> 11) < threshold) << l;
    below(d, m);
  }
#endif
}

}  // namespace

void CpuBackend::bernoulli(const Tensor& out, Generator& gen, double p) {
  // Each stream's next_double() < p, compared in integers: next_double() is (u >> 11) * 2^-53
  // and p * 2^53 is exact, so the draw is below p exactly when (u >> 11) < ceil(p * 2^53).
  const double scaled = std::ceil(std::clamp(p, 0.0, 1.0) * 0x1.0p53);
  const uint64_t threshold = static_cast<uint64_t>(scaled);
  Tensor c = out.is_contiguous() ? out : empty_like(out);
  dispatch_float(c.dtype(), [&]<typename T>() {
    T* d = c.data<T>();
    const int64_t n = c.numel();
    eight_streams(gen, (n + 7) / 8, threshold, [&](int64_t k, unsigned m) {
      const int64_t at = 8 * k, count = std::min<int64_t>(8, n - at);
      for (int64_t l = 0; l < count; ++l) d[at + l] = (m >> l) & 1u ? T(1) : T(0);
    });
  });
  if (!out.is_contiguous()) out.copy_(c);
}

SCIDL_ISA_END
