// Fused updates for Adagrad, Adadelta and RMSprop, and the regularisation and clipping kernels,
// each one pass over flat contiguous buffers. The arithmetic follows torch.optim's single-tensor
// code operation by operation (same order of multiplications and divisions), so float64
// trajectories agree with PyTorch to round-off.
#include <algorithm>
#include <cmath>
#include <vector>

#include "scidl/backend/cpu/cpu_backend.h"
#include "scidl/backend/cpu/isa_region.h"
#include "scidl/backend/cpu/parallel_shares.h"

SCIDL_ISA_BEGIN

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

// The loops, one range each with restrict pointers (parallel_shares.h says why).
template <typename T>
void adagrad_range(T* __restrict p, const T* __restrict g, T* __restrict s, int64_t begin,
                   int64_t end, T clr, T eps, T wd, bool decay) {
#pragma omp simd
  for (int64_t i = begin; i < end; ++i) {
    const T gi = decay ? g[i] + wd * p[i] : g[i];
    s[i] += gi * gi;
    p[i] += -clr * gi / (std::sqrt(s[i]) + eps);
  }
}

template <typename T>
void adadelta_range(T* __restrict p, const T* __restrict g, T* __restrict sq, T* __restrict acc,
                    int64_t begin, int64_t end, T lr, T rho, T one_minus_rho, T eps, T wd,
                    bool decay) {
#pragma omp simd
  for (int64_t i = begin; i < end; ++i) {
    const T gi = decay ? g[i] + wd * p[i] : g[i];
    sq[i] = sq[i] * rho + one_minus_rho * gi * gi;
    const T std_dev = std::sqrt(sq[i] + eps);
    const T delta = std::sqrt(acc[i] + eps) / std_dev * gi;
    acc[i] = acc[i] * rho + one_minus_rho * delta * delta;
    p[i] += -lr * delta;
  }
}

// Centred (ga: the running mean of the gradient) and with momentum (buf) as compile-time
// choices, so each variant's loop has no branch to keep it from vectorising.
template <typename T, bool Centered, bool Momentum>
void rmsprop_range(T* __restrict p, const T* __restrict g, T* __restrict sq, T* __restrict ga,
                   T* __restrict buf, int64_t begin, int64_t end, T lr, T alpha, T one_minus_alpha,
                   T eps, T wd, T mu, bool decay) {
#pragma omp simd
  for (int64_t i = begin; i < end; ++i) {
    const T gi = decay ? g[i] + wd * p[i] : g[i];
    sq[i] = sq[i] * alpha + one_minus_alpha * gi * gi;
    T avg;
    if constexpr (Centered) {
      ga[i] = ga[i] * alpha + one_minus_alpha * gi;
      avg = std::sqrt(sq[i] - ga[i] * ga[i]) + eps;
    } else {
      avg = std::sqrt(sq[i]) + eps;
    }
    if constexpr (Momentum) {
      buf[i] = buf[i] * mu + gi / avg;
      p[i] += -lr * buf[i];
    } else {
      p[i] += -lr * gi / avg;
    }
  }
}

template <typename T>
void penalty_gradient_range(const T* __restrict p, T* __restrict g, int64_t begin, int64_t end, T a,
                            T b) {
#pragma omp simd
  for (int64_t i = begin; i < end; ++i) {
    const T sign = p[i] > T(0) ? T(1) : (p[i] < T(0) ? T(-1) : T(0));
    g[i] += a * sign + b * p[i];
  }
}

}  // namespace

void CpuBackend::adagrad_update(const Tensor& param, const Tensor& grad, const Tensor& sum,
                                const AdagradConfig& c) {
  dispatch_float(param.dtype(), [&]<typename T>() {
    T* p = param.data<T>();
    const T* g = grad.data<T>();
    T* s = sum.data<T>();
    const T clr = static_cast<T>(c.lr / (1.0 + static_cast<double>(c.step - 1) * c.lr_decay));
    const T eps = c.eps, wd = c.weight_decay;
    const bool decay = c.weight_decay != 0;
    over_part(c.range, param.numel(), [&](int64_t begin, int64_t end) {
      adagrad_range(p, g, s, begin, end, clr, eps, wd, decay);
    });
  });
}

void CpuBackend::adadelta_update(const Tensor& param, const Tensor& grad, const Tensor& square_avg,
                                 const Tensor& acc_delta, const AdadeltaConfig& c) {
  dispatch_float(param.dtype(), [&]<typename T>() {
    T* p = param.data<T>();
    const T* g = grad.data<T>();
    T* sq = square_avg.data<T>();
    T* acc = acc_delta.data<T>();
    const T lr = c.lr, rho = c.rho, one_minus_rho = T(1) - T(c.rho), eps = c.eps,
            wd = c.weight_decay;
    const bool decay = c.weight_decay != 0;
    over_part(c.range, param.numel(), [&](int64_t begin, int64_t end) {
      adadelta_range(p, g, sq, acc, begin, end, lr, rho, one_minus_rho, eps, wd, decay);
    });
  });
}

void CpuBackend::rmsprop_update(const Tensor& param, const Tensor& grad, const Tensor& square_avg,
                                const Tensor& grad_avg, const Tensor& momentum_buffer,
                                const RmspropConfig& c) {
  dispatch_float(param.dtype(), [&]<typename T>() {
    T* p = param.data<T>();
    const T* g = grad.data<T>();
    T* sq = square_avg.data<T>();
    T* ga = c.centered ? grad_avg.data<T>() : nullptr;
    T* buf = c.momentum > 0 ? momentum_buffer.data<T>() : nullptr;
    const T lr = c.lr, alpha = c.alpha, one_minus_alpha = T(1) - T(c.alpha), eps = c.eps,
            wd = c.weight_decay, mu = c.momentum;
    const bool decay = c.weight_decay != 0;
    auto run = [&]<bool Centered, bool Momentum>() {
      over_part(c.range, param.numel(), [&](int64_t begin, int64_t end) {
        rmsprop_range<T, Centered, Momentum>(p, g, sq, ga, buf, begin, end, lr, alpha,
                                             one_minus_alpha, eps, wd, mu, decay);
      });
    };
    if (ga && buf)
      run.template operator()<true, true>();
    else if (ga)
      run.template operator()<true, false>();
    else if (buf)
      run.template operator()<false, true>();
    else
      run.template operator()<false, false>();
  });
}

void CpuBackend::add_penalty_gradient(const Tensor& param, const Tensor& grad, double l1,
                                      double l2) {
  dispatch_float(param.dtype(), [&]<typename T>() {
    const T* p = param.data<T>();
    T* g = grad.data<T>();
    const T a = static_cast<T>(l1), b = static_cast<T>(2 * l2);
    over_shares(param.numel(), [&](int64_t begin, int64_t end) {
      penalty_gradient_range(p, g, begin, end, a, b);
    });
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

SCIDL_ISA_END
