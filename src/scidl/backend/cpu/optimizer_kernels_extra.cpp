// Fused updates for Adagrad, Adadelta and RMSprop, and the regularisation and clipping kernels,
// each one pass over flat contiguous buffers. The arithmetic follows torch.optim's single-tensor
// code operation by operation (same order of multiplications and divisions), so float64
// trajectories agree with PyTorch to round-off.
#include <algorithm>
#include <cmath>
#include <vector>

#include "scidl/backend/cpu/cpu_backend.h"

namespace scidl::backend::cpu {

namespace {

constexpr int64_t kParallelAbove = 32768;  // below this, threads cost more than they save
constexpr int64_t kReduceBlock = 4096;     // fixed blocks: the same sum for any thread count

// Sums f(x[i]) in double over fixed-size blocks, then adds the block sums in order, so the result
// is bit-identical however many threads run (resumed runs must match uninterrupted ones).
template <typename T, typename F>
double deterministic_sum(const T* x, int64_t n, F f) {
  const int64_t blocks = (n + kReduceBlock - 1) / kReduceBlock;
  std::vector<double> partial(static_cast<size_t>(blocks), 0.0);
#pragma omp parallel for schedule(static) if (n >= kParallelAbove)
  for (int64_t b = 0; b < blocks; ++b) {
    const int64_t end = std::min(n, (b + 1) * kReduceBlock);
    double acc = 0;
    for (int64_t i = b * kReduceBlock; i < end; ++i) acc += f(static_cast<double>(x[i]));
    partial[static_cast<size_t>(b)] = acc;
  }
  double total = 0;
  for (double p : partial) total += p;
  return total;
}

}  // namespace

void CpuBackend::adagrad_update(const Tensor& param, const Tensor& grad, const Tensor& sum,
                                const AdagradConfig& c) {
  dispatch_float(param.dtype(), [&]<typename scalar_t>() {
    using T = scalar_t;
    T* p = param.data<T>();
    const T* g = grad.data<T>();
    T* s = sum.data<T>();
    const int64_t n = param.numel();
    const T clr = static_cast<T>(c.lr / (1.0 + static_cast<double>(c.step - 1) * c.lr_decay));
    const T eps = c.eps, wd = c.weight_decay;
    const bool decay = c.weight_decay != 0;
#pragma omp parallel for simd schedule(static) if (n >= kParallelAbove)
    for (int64_t i = 0; i < n; ++i) {
      const T gi = decay ? g[i] + wd * p[i] : g[i];
      s[i] += gi * gi;
      p[i] += -clr * gi / (std::sqrt(s[i]) + eps);
    }
  });
}

void CpuBackend::adadelta_update(const Tensor& param, const Tensor& grad, const Tensor& square_avg,
                                 const Tensor& acc_delta, const AdadeltaConfig& c) {
  dispatch_float(param.dtype(), [&]<typename scalar_t>() {
    using T = scalar_t;
    T* p = param.data<T>();
    const T* g = grad.data<T>();
    T* sq = square_avg.data<T>();
    T* acc = acc_delta.data<T>();
    const int64_t n = param.numel();
    const T lr = c.lr, rho = c.rho, one_minus_rho = T(1) - T(c.rho), eps = c.eps,
            wd = c.weight_decay;
    const bool decay = c.weight_decay != 0;
#pragma omp parallel for simd schedule(static) if (n >= kParallelAbove)
    for (int64_t i = 0; i < n; ++i) {
      const T gi = decay ? g[i] + wd * p[i] : g[i];
      sq[i] = sq[i] * rho + one_minus_rho * gi * gi;
      const T std_dev = std::sqrt(sq[i] + eps);
      const T delta = std::sqrt(acc[i] + eps) / std_dev * gi;
      acc[i] = acc[i] * rho + one_minus_rho * delta * delta;
      p[i] += -lr * delta;
    }
  });
}

void CpuBackend::rmsprop_update(const Tensor& param, const Tensor& grad, const Tensor& square_avg,
                                const Tensor& grad_avg, const Tensor& momentum_buffer,
                                const RmspropConfig& c) {
  dispatch_float(param.dtype(), [&]<typename scalar_t>() {
    using T = scalar_t;
    T* p = param.data<T>();
    const T* g = grad.data<T>();
    T* sq = square_avg.data<T>();
    T* ga = c.centered ? grad_avg.data<T>() : nullptr;
    T* buf = c.momentum > 0 ? momentum_buffer.data<T>() : nullptr;
    const int64_t n = param.numel();
    const T lr = c.lr, alpha = c.alpha, one_minus_alpha = T(1) - T(c.alpha), eps = c.eps,
            wd = c.weight_decay, mu = c.momentum;
    const bool decay = c.weight_decay != 0;
#pragma omp parallel for simd schedule(static) if (n >= kParallelAbove)
    for (int64_t i = 0; i < n; ++i) {
      const T gi = decay ? g[i] + wd * p[i] : g[i];
      sq[i] = sq[i] * alpha + one_minus_alpha * gi * gi;
      T avg;
      if (ga) {
        ga[i] = ga[i] * alpha + one_minus_alpha * gi;
        avg = std::sqrt(sq[i] - ga[i] * ga[i]) + eps;
      } else {
        avg = std::sqrt(sq[i]) + eps;
      }
      if (buf) {
        buf[i] = buf[i] * mu + gi / avg;
        p[i] += -lr * buf[i];
      } else {
        p[i] += -lr * gi / avg;
      }
    }
  });
}

void CpuBackend::add_penalty_gradient(const Tensor& param, const Tensor& grad, double l1,
                                      double l2) {
  dispatch_float(param.dtype(), [&]<typename scalar_t>() {
    using T = scalar_t;
    const T* p = param.data<T>();
    T* g = grad.data<T>();
    const int64_t n = param.numel();
    const T a = static_cast<T>(l1), b = static_cast<T>(2 * l2);
#pragma omp parallel for simd schedule(static) if (n >= kParallelAbove)
    for (int64_t i = 0; i < n; ++i) {
      const T sign = p[i] > T(0) ? T(1) : (p[i] < T(0) ? T(-1) : T(0));
      g[i] += a * sign + b * p[i];
    }
  });
}

double CpuBackend::penalty(const Tensor& x, double l1, double l2) {
  return dispatch_float(x.dtype(), [&]<typename scalar_t>() {
    return deterministic_sum(x.data<scalar_t>(), x.numel(),
                             [l1, l2](double v) { return l1 * std::abs(v) + l2 * v * v; });
  });
}

double CpuBackend::squared_norm(const Tensor& x) {
  return dispatch_float(x.dtype(), [&]<typename scalar_t>() {
    return deterministic_sum(x.data<scalar_t>(), x.numel(), [](double v) { return v * v; });
  });
}

}  // namespace scidl::backend::cpu
