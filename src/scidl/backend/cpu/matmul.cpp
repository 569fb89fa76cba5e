// Batched matrix products through BLAS. Transposed views are passed as BLAS transposes, so
// x @ w.T and the backward products never copy.
#include <fmt/format.h>

#include <optional>

#include "scidl/backend/cpu/blas.h"
#include "scidl/backend/cpu/cpu_backend.h"
#include "scidl/backend/cpu/isa_region.h"

SCIDL_ISA_BEGIN

namespace {

// m*n*k below which one thread is faster (measured on the 2-core Xeon; see bench/RESULTS.md).
constexpr int64_t kSingleThreadedGemmWork = 4 * 1024 * 1024;

struct MatrixLayout {
  Tensor t;         // possibly a compacted copy
  bool transposed;  // stored column-major (a transposed view)
  int64_t ld;
};

// BLAS takes row-major matrices or their transposes; anything else is compacted first.
MatrixLayout layout_of(const Tensor& t) {
  const auto& st = t.strides();
  int64_t rows = t.shape()[1], cols = t.shape()[2];
  if (st[2] == 1 && (st[1] >= std::max<int64_t>(cols, 1) || rows == 1))
    return {t, false, std::max<int64_t>(rows == 1 ? cols : st[1], 1)};
  if (st[1] == 1 && (st[2] >= std::max<int64_t>(rows, 1) || cols == 1))
    return {t, true, std::max<int64_t>(cols == 1 ? rows : st[2], 1)};
  Tensor c = t.clone();
  return {c, false, std::max<int64_t>(cols, 1)};
}

}  // namespace

void CpuBackend::matmul(const Tensor& a, const Tensor& b, const Tensor& out, double alpha,
                        double beta) {
  const int64_t batch = out.shape()[0], m = out.shape()[1], n = out.shape()[2];
  const int64_t k = a.shape()[2];
  MatrixLayout la = layout_of(a), lb = layout_of(b);
  const int64_t sa = la.t.strides()[0], sb = lb.t.strides()[0], so = out.strides()[0];
  dispatch_float(out.dtype(), [&]<typename scalar_t>() {
    using T = scalar_t;
    const T* pa = la.t.data<T>();
    const T* pb = lb.t.data<T>();
    T* po = out.data<T>();
    if (k == 0) {  // empty inner dimension: the product is zero
      for (int64_t i = 0; i < out.numel(); ++i) po[i] = beta == 0 ? T(0) : T(beta) * po[i];
      return;
    }
    // Many small products: spread the batch over threads (BLAS runs single-threaded inside).
    // A single small product runs on one thread; a large one lets BLAS split it.
    const bool parallel_batch = batch >= 4 && m * n * k < 64 * 64 * 64;
    const bool small = batch * m * n * k < kSingleThreadedGemmWork;
    std::optional<SingleThreadedBlas> one_thread;
    if (small && !parallel_batch) one_thread.emplace();
    auto product = [&](int64_t i) {
      gemm<T>(la.transposed, lb.transposed, m, n, k, T(alpha), pa + i * sa, la.ld, pb + i * sb,
              lb.ld, T(beta), po + i * so, n);
    };
    if (parallel_batch) {
#pragma omp parallel for schedule(static)
      for (int64_t i = 0; i < batch; ++i) product(i);
    } else {
      // Not inside `omp parallel ... if (false)`: that is still a (one-thread) parallel region,
      // so OpenBLAS's own region nests under it and libgomp creates fresh threads for every
      // call instead of using the pool (measured: 35 thread creations per training step).
      for (int64_t i = 0; i < batch; ++i) product(i);
    }
  });
}

SCIDL_ISA_END
