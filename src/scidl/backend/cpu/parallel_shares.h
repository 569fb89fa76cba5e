// Elementwise passes over flat buffers (optimizer updates, clamps) split between the threads.
// Why not `omp parallel for simd if (n >= ...)`: GCC leaves the serial path of such a loop
// unvectorised (9x slower per element for Adam below the threshold), and a loop whose pointers
// are captured by reference inside an OpenMP region is compiled with gathers (3x slower). So
// the loop lives in its own function taking __restrict pointers and a [begin, end) range, and
// this runs it once, or once per thread on a contiguous share.
#pragma once
#include <omp.h>

#include <algorithm>
#include <cstdint>

namespace scidl::backend::cpu {

// Below this many elements one thread does the pass: waking the others costs more.
constexpr int64_t kElementwiseParallelAbove = 65536;

template <typename Range>
void over_shares(int64_t n, Range&& range) {
  if (n < kElementwiseParallelAbove || omp_get_max_threads() == 1) {
    range(int64_t{0}, n);
    return;
  }
#pragma omp parallel
  {
    const int64_t t = omp_get_thread_num(), threads = omp_get_num_threads();
    // shares in whole 64-byte lines (of floats), so no two threads write one line
    const int64_t lines = (n + 15) / 16;
    range(std::min(n, lines * t / threads * 16), std::min(n, lines * (t + 1) / threads * 16));
  }
}

}  // namespace scidl::backend::cpu
