// The CPU's float32 FMA peak, measured: a register-only loop of independent FMAs on every
// thread, once with 256-bit (AVX2) and once with 512-bit (AVX-512) vectors where the CPU has
// them. What bench/RESULTS.md sets the dense kernels' GFLOP/s against ("% of peak").
//   build/bench/bench_fma_peak    (threads: OMP_NUM_THREADS, as the other benchmarks)
// Prints `fma_peak threads=T avx2_gflops=.. avx512_gflops=..` (the best of 3 runs each).
#include <omp.h>

#include <algorithm>
#include <cstdio>

#if defined(__x86_64__)
#include <immintrin.h>

namespace {

constexpr long kIterations = 100'000'000;
constexpr int kChains = 12;  // independent accumulators: enough to cover 2 pipes x 4-5 cycles

__attribute__((target("avx2,fma"))) float loop256() {
  __m256 acc[kChains];
  const __m256 b = _mm256_set1_ps(1.0000001f), c = _mm256_set1_ps(1e-7f);
  for (int i = 0; i < kChains; ++i) acc[i] = _mm256_set1_ps(float(i));
  for (long n = 0; n < kIterations; ++n)
#pragma GCC unroll 12
    for (int i = 0; i < kChains; ++i) acc[i] = _mm256_fmadd_ps(acc[i], b, c);
  float sink = 0, lanes[8];
  for (int i = 0; i < kChains; ++i) {
    _mm256_storeu_ps(lanes, acc[i]);
    sink += lanes[0];
  }
  return sink;
}

__attribute__((target("avx512f"))) float loop512() {
  __m512 acc[kChains];
  const __m512 b = _mm512_set1_ps(1.0000001f), c = _mm512_set1_ps(1e-7f);
  for (int i = 0; i < kChains; ++i) acc[i] = _mm512_set1_ps(float(i));
  for (long n = 0; n < kIterations; ++n)
#pragma GCC unroll 12
    for (int i = 0; i < kChains; ++i) acc[i] = _mm512_fmadd_ps(acc[i], b, c);
  float sink = 0;
  for (int i = 0; i < kChains; ++i) sink += _mm512_reduce_add_ps(acc[i]);
  return sink;
}

// GFLOP/s over all threads of `loop` (lanes floats per vector), the best of 3 runs.
double gflops(float (*loop)(), int lanes) {
  double best = 0;
  for (int run = 0; run < 3; ++run) {
    float sink = 0;
    const double start = omp_get_wtime();
#pragma omp parallel reduction(+ : sink)
    sink += loop();
    const double seconds = omp_get_wtime() - start;
    const double flops = 2.0 * kChains * lanes * double(kIterations) * omp_get_max_threads();
    best = std::max(best, flops / seconds / 1e9);
    if (sink == 42.0f) std::puts("");  // keeps the loops' results alive
  }
  return best;
}

}  // namespace

int main() {
  __builtin_cpu_init();
  std::printf("fma_peak threads=%d", omp_get_max_threads());
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
    std::printf(" avx2_gflops=%.1f", gflops(loop256, 8));
  if (__builtin_cpu_supports("avx512f")) std::printf(" avx512_gflops=%.1f", gflops(loop512, 16));
  std::printf("\n");
}
#else
int main() { std::printf("fma_peak: measured on x86-64 only\n"); }
#endif
