// Iterates K same-shaped strided operands row by row. Dims that are laid out back to back in
// every operand are merged first, so contiguous tensors become one long row and broadcasting
// shows up as zero strides. Rows are spread over threads when the work is large enough.
#pragma once
#include <omp.h>

#include <array>
#include <cstdint>

#include "scidl/tensor/tensor.h"

namespace scidl::backend::cpu {

constexpr int64_t kParallelGrain = 32768;  // elements below which threads cost more than they save

template <int K> struct StridedPlan {
  int rank = 0;
  std::array<int64_t, 16> sizes{};
  std::array<std::array<int64_t, 16>, K> strides{};
  int64_t rows() const {
    int64_t r = 1;
    for (int d = 0; d + 1 < rank; ++d) r *= sizes[d];
    return r;
  }
  int64_t row_length() const { return rank == 0 ? 1 : sizes[rank - 1]; }
};

template <int K>
StridedPlan<K> make_plan(const Shape& shape, const std::array<const Shape*, K>& strides) {
  StridedPlan<K> plan;
  if (shape.size() > 16) throw std::invalid_argument("tensors of rank above 16 are not supported");
  for (size_t d = 0; d < shape.size(); ++d) {
    if (shape[d] == 1) continue;
    int r = plan.rank;
    bool merge = r > 0;
    for (int k = 0; k < K && merge; ++k)
      merge = plan.strides[k][r - 1] == (*strides[k])[d] * shape[d];
    if (merge) {
      plan.sizes[r - 1] *= shape[d];
      for (int k = 0; k < K; ++k) plan.strides[k][r - 1] = (*strides[k])[d];
    } else {
      plan.sizes[r] = shape[d];
      for (int k = 0; k < K; ++k) plan.strides[k][r] = (*strides[k])[d];
      ++plan.rank;
    }
  }
  return plan;
}

// Calls row(offsets, n, inner_strides) for each row; offsets are in elements per operand.
// When everything is one long row it is cut into chunks so both cores share it.
template <int K, typename RowFn>
void for_each_row(const StridedPlan<K>& plan, int64_t total, RowFn&& row) {
  const int64_t n = plan.row_length();
  const int64_t rows = plan.rows();
  std::array<int64_t, K> inner;
  for (int k = 0; k < K; ++k) inner[k] = plan.rank == 0 ? 0 : plan.strides[k][plan.rank - 1];
  const bool parallel = total >= kParallelGrain && omp_get_max_threads() > 1;
  if (rows == 1) {
    if (!parallel) {
      std::array<int64_t, K> off{};
      row(off, n, inner);
      return;
    }
#pragma omp parallel
    {
      int nt = omp_get_num_threads(), t = omp_get_thread_num();
      int64_t chunk = (n + nt - 1) / nt;
      int64_t begin = std::min<int64_t>(n, t * chunk), end = std::min<int64_t>(n, begin + chunk);
      std::array<int64_t, K> off;
      for (int k = 0; k < K; ++k) off[k] = begin * inner[k];
      if (end > begin) row(off, end - begin, inner);
    }
    return;
  }
  auto offsets_of = [&](int64_t r) {
    std::array<int64_t, K> off{};
    for (int d = plan.rank - 2; d >= 0; --d) {
      int64_t i = r % plan.sizes[d];
      r /= plan.sizes[d];
      for (int k = 0; k < K; ++k) off[k] += i * plan.strides[k][d];
    }
    return off;
  };
#pragma omp parallel for schedule(static) if (parallel)
  for (int64_t r = 0; r < rows; ++r) row(offsets_of(r), n, inner);
}

}  // namespace scidl::backend::cpu
