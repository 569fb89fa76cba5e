// Elementwise passes over flat buffers (optimizer updates, clamps) split between the threads.
// Why not `omp parallel for simd if (n >= ...)`: GCC leaves the serial path of such a loop
// unvectorised (9x slower per element for Adam below the threshold), and a loop whose pointers
// are captured by reference inside an OpenMP region is compiled with gathers (3x slower). So
// the loop lives in its own function taking __restrict pointers and a [begin, end) range, and
// this runs it once, or once per thread on a contiguous share.
#pragma once
#include <omp.h>

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <stdexcept>

#include "scidl/backend/backend.h"

namespace scidl::backend::cpu {

// Below this many elements one thread does the pass: waking the others costs more.
constexpr int64_t kElementwiseParallelAbove = 65536;

// Inside a parallel region (a team already running, train/fused_step.h) the calling thread does
// the whole pass: a nested region would only add its start-up cost.
template <typename Range>
void over_shares(int64_t n, Range&& range) {
  if (n < kElementwiseParallelAbove || omp_get_max_threads() == 1 || omp_in_parallel()) {
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

// An optimizer's update over `part` of flat buffers of n elements (backend.h: FlatRange): the
// whole split between the threads, a part on the calling thread.
template <typename Range>
void over_part(const FlatRange& part, int64_t n, Range&& range) {
  if (part.end < 0) {
    over_shares(n, range);
    return;
  }
  if (part.begin < 0 || part.begin > part.end || part.end > n)
    throw std::out_of_range(fmt::format("optimizer update: elements [{}, {}) of a buffer of {}",
                                        part.begin, part.end, n));
  range(part.begin, part.end);
}

}  // namespace scidl::backend::cpu
