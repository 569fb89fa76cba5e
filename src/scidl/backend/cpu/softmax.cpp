// Softmax and log-softmax over the last dim (rows), numerically stable (max subtracted).
#include <cmath>

#include "scidl/backend/cpu/cpu_backend.h"
#include "scidl/backend/cpu/isa_region.h"
#include "scidl/backend/cpu/strided_loop.h"
#include "scidl/backend/cpu/vector_math.h"

SCIDL_ISA_BEGIN

void CpuBackend::softmax(const Tensor& x_in, const Tensor& out, bool log) {
  Tensor x = x_in.contiguous();
  const int64_t n = x.shape().empty() ? 1 : x.shape().back();
  const int64_t rows = n == 0 ? 0 : x.numel() / n;
  dispatch_float(x.dtype(), [&]<typename scalar_t>() {
    using T = scalar_t;
    const T* px = x.data<T>();
    T* po = out.data<T>();
#pragma omp parallel for schedule(static) if (x.numel() >= kParallelGrain)
    for (int64_t r = 0; r < rows; ++r) {
      const T* xr = px + r * n;
      T* orow = po + r * n;
      T mx = -INFINITY;
#pragma omp simd reduction(max : mx)
      for (int64_t i = 0; i < n; ++i) mx = std::max(mx, xr[i]);
      // exp(x - max) in T, once, into the output row; summed in double
      double sum = 0;
#pragma omp simd reduction(+ : sum)
      for (int64_t i = 0; i < n; ++i) {
        orow[i] = std::exp(xr[i] - mx);
        sum += static_cast<double>(orow[i]);
      }
      if (log) {
        const T lse = mx + static_cast<T>(std::log(sum));
#pragma omp simd
        for (int64_t i = 0; i < n; ++i) orow[i] = xr[i] - lse;
      } else {
        const T inv = static_cast<T>(1.0 / sum);
#pragma omp simd
        for (int64_t i = 0; i < n; ++i) orow[i] *= inv;
      }
    }
  });
}

void CpuBackend::softmax_backward(const Tensor& y_in, const Tensor& gy_in, const Tensor& out,
                                  bool log) {
  Tensor y = y_in.contiguous(), gy = gy_in.contiguous();
  const int64_t n = y.shape().empty() ? 1 : y.shape().back();
  const int64_t rows = n == 0 ? 0 : y.numel() / n;
  dispatch_float(y.dtype(), [&]<typename scalar_t>() {
    using T = scalar_t;
    const T* py = y.data<T>();
    const T* pg = gy.data<T>();
    T* po = out.data<T>();
#pragma omp parallel for schedule(static) if (y.numel() >= kParallelGrain)
    for (int64_t r = 0; r < rows; ++r) {
      const T* yr = py + r * n;
      const T* gr = pg + r * n;
      T* orow = po + r * n;
      double s = 0;
      if (log) {  // dx = g - softmax * sum(g)
#pragma omp simd reduction(+ : s)
        for (int64_t i = 0; i < n; ++i) s += gr[i];
#pragma omp simd
        for (int64_t i = 0; i < n; ++i) orow[i] = gr[i] - std::exp(yr[i]) * static_cast<T>(s);
      } else {  // dx = y * (g - sum(g * y))
#pragma omp simd reduction(+ : s)
        for (int64_t i = 0; i < n; ++i) s += gr[i] * yr[i];
#pragma omp simd
        for (int64_t i = 0; i < n; ++i) orow[i] = yr[i] * (gr[i] - static_cast<T>(s));
      }
    }
  });
}

SCIDL_ISA_END
