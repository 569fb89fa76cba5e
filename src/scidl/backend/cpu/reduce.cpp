// Reductions (sum, max, min, argmax, argmin) over any set of dims. Two layouts get fast paths:
// reducing the trailing dims of a contiguous tensor (row reductions: losses, softmax sums) and
// reducing the leading dims (column reductions: bias gradients over a batch).
#include <cmath>
#include <limits>
#include <vector>

#include "scidl/backend/cpu/cpu_backend.h"
#include "scidl/backend/cpu/isa_region.h"
#include "scidl/backend/cpu/strided_loop.h"

SCIDL_ISA_BEGIN

namespace {

template <typename T>
struct Reducer {
  ReduceOp op;
  using Acc = std::conditional_t<std::is_same_v<T, float>, double, T>;
  Acc init() const {
    switch (op) {
      case ReduceOp::Sum:
        return Acc(0);
      case ReduceOp::Max:
      case ReduceOp::ArgMax:
        return -std::numeric_limits<Acc>::infinity();
      default:
        return std::numeric_limits<Acc>::infinity();
    }
  }
  bool is_arg() const { return op == ReduceOp::ArgMax || op == ReduceOp::ArgMin; }
  // Folds value v at position i into (acc, best); NaN wins max/min, as in PyTorch.
  void fold(Acc& acc, int64_t& best, Acc v, int64_t i) const {
    switch (op) {
      case ReduceOp::Sum:
        acc += v;
        break;
      case ReduceOp::Max:
      case ReduceOp::ArgMax:
        if (v > acc || (std::isnan(v) && !std::isnan(acc))) acc = v, best = i;
        break;
      default:
        if (v < acc || (std::isnan(v) && !std::isnan(acc))) acc = v, best = i;
        break;
    }
  }
};

template <typename T>
void reduce_impl(ReduceOp op, const Tensor& x, const Tensor& out) {
  Reducer<T> red{op};
  const Shape& xs = x.shape();
  const Shape& os = out.shape();
  const int rank = static_cast<int>(xs.size());
  std::vector<int> kept, reduced;
  for (int d = 0; d < rank; ++d) (os[d] == 1 && xs[d] != 1 ? reduced : kept).push_back(d);
  const T* px = x.data<T>();
  const int64_t out_n = out.numel();
  int64_t inner_n = 1;
  for (int d : reduced) inner_n *= xs[d];
  const bool parallel = x.numel() >= kParallelGrain;

  auto write = [&](int64_t o, typename Reducer<T>::Acc acc, int64_t best) {
    if (red.is_arg())
      out.data<int64_t>()[o] = best;
    else
      out.data<T>()[o] = static_cast<T>(acc);
  };

  bool suffix =
      x.is_contiguous() && (reduced.empty() || reduced.front() == rank - (int)reduced.size());
  bool prefix = x.is_contiguous() && !red.is_arg() && !reduced.empty() &&
                reduced.back() == static_cast<int>(reduced.size()) - 1;
  if (suffix) {  // rows of length inner_n
#pragma omp parallel for schedule(static) if (parallel)
    for (int64_t o = 0; o < out_n; ++o) {
      auto acc = red.init();
      int64_t best = 0;
      const T* row = px + o * inner_n;
      if (op == ReduceOp::Sum) {  // in vector lanes: one chain of adds took 1.5 ns an element
#pragma omp simd reduction(+ : acc)
        for (int64_t i = 0; i < inner_n; ++i) acc += row[i];
      } else {
        for (int64_t i = 0; i < inner_n; ++i) red.fold(acc, best, row[i], i);
      }
      write(o, acc, best);
    }
    return;
  }
  if (prefix && op == ReduceOp::Sum) {  // sum rows of a [inner_n, out_n] matrix
    T* po = out.data<T>();
    const int64_t cols = out_n;
#pragma omp parallel if (parallel)
    {
      int nt = omp_get_num_threads(), t = omp_get_thread_num();
      int64_t chunk = (cols + nt - 1) / nt;
      int64_t begin = std::min<int64_t>(cols, t * chunk),
              end = std::min<int64_t>(cols, begin + chunk);
      T* __restrict out = po;  // private copies: shared pointers would be reloaded per lane
      const T* __restrict in = px;
      for (int64_t j = begin; j < end; ++j) out[j] = T(0);
      for (int64_t i = 0; i < inner_n; ++i) {
        const T* __restrict row = in + i * cols;
#pragma omp simd
        for (int64_t j = begin; j < end; ++j) out[j] += row[j];
      }
    }
    return;
  }
  // Kept dims forming one consecutive block: x is [outer, mid, inner] and the reduction runs
  // over outer and inner, e.g. per-channel statistics of an NCHW batch (batch norm), which the
  // general path below did with a division per element (80% of a batch-norm CNN's step).
  const bool middle = x.is_contiguous() && !red.is_arg() && !kept.empty() &&
                      kept.back() - kept.front() + 1 == static_cast<int>(kept.size());
  if (middle) {
    int64_t outer = 1, inner = 1;
    for (int d = 0; d < kept.front(); ++d) outer *= xs[d];
    for (int d = kept.back() + 1; d < rank; ++d) inner *= xs[d];
    const int64_t mid = out_n;  // the product of the kept dims
#pragma omp parallel for schedule(static) if (parallel)
    for (int64_t m = 0; m < mid; ++m) {
      auto acc = red.init();
      int64_t best = 0;
      for (int64_t n = 0; n < outer; ++n) {
        const T* row = px + (n * mid + m) * inner;
        if (op == ReduceOp::Sum) {
          typename Reducer<T>::Acc part = 0;
#pragma omp simd reduction(+ : part)
          for (int64_t i = 0; i < inner; ++i) part += row[i];
          acc += part;
        } else {
          for (int64_t i = 0; i < inner; ++i) red.fold(acc, best, row[i], i);
        }
      }
      write(m, acc, best);
    }
    return;
  }
  // General path: index arithmetic over kept and reduced dims.
  const Shape& st = x.strides();
#pragma omp parallel for schedule(static) if (parallel)
  for (int64_t o = 0; o < out_n; ++o) {
    int64_t base = 0, rem = o;
    for (int k = static_cast<int>(kept.size()) - 1; k >= 0; --k) {
      int d = kept[k];
      base += (rem % xs[d]) * st[d];
      rem /= xs[d];
    }
    auto acc = red.init();
    int64_t best = 0;
    for (int64_t i = 0; i < inner_n; ++i) {
      int64_t off = base, r = i;
      for (int k = static_cast<int>(reduced.size()) - 1; k >= 0; --k) {
        int d = reduced[k];
        off += (r % xs[d]) * st[d];
        r /= xs[d];
      }
      red.fold(acc, best, px[off], i);
    }
    write(o, acc, best);
  }
}

}  // namespace

void CpuBackend::reduce(ReduceOp op, const Tensor& x, const Tensor& out) {
  dispatch_float(x.dtype(), [&]<typename scalar_t>() { reduce_impl<scalar_t>(op, x, out); });
}

SCIDL_ISA_END
