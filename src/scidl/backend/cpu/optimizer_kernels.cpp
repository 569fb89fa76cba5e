// Fused optimizer updates: one pass over the flat parameter, gradient and state buffers.
// The arithmetic follows torch.optim (Adam/AdamW, SGD with momentum, dampening, Nesterov).
#include <cmath>

#include "scidl/backend/cpu/cpu_backend.h"

namespace scidl::backend::cpu {

void CpuBackend::adam_update(const Tensor& param, const Tensor& grad, const Tensor& m,
                             const Tensor& v, const AdamConfig& c) {
  dispatch_float(param.dtype(), [&]<typename scalar_t>() {
    using T = scalar_t;
    T* p = param.data<T>();
    const T* g = grad.data<T>();
    T* pm = m.data<T>();
    T* pv = v.data<T>();
    const int64_t n = param.numel();
    const double bc1 = 1.0 - std::pow(c.beta1, static_cast<double>(c.step));
    const double bc2 = 1.0 - std::pow(c.beta2, static_cast<double>(c.step));
    // Same operation order as torch.optim.Adam, so float32 results agree to rounding.
    const T step_size = static_cast<T>(c.lr / bc1);
    const T sqrt_bc2 = static_cast<T>(std::sqrt(bc2));
    // 1 - beta in double, then rounded: 1.0f - 0.999f is 4.7e-5 away from 0.001.
    const T b1 = c.beta1, b2 = c.beta2, eps = c.eps, wd = c.weight_decay;
    const T one_minus_b1 = static_cast<T>(1.0 - c.beta1), one_minus_b2 = static_cast<T>(1.0 - c.beta2);
    const T decay = static_cast<T>(1.0 - c.lr * c.weight_decay);
    const bool decoupled = c.decoupled;
#pragma omp parallel for simd schedule(static) if (n >= 32768)
    for (int64_t i = 0; i < n; ++i) {
      T gi = g[i];
      if (decoupled)
        p[i] *= decay;
      else
        gi += wd * p[i];
      pm[i] = b1 * pm[i] + one_minus_b1 * gi;
      pv[i] = b2 * pv[i] + one_minus_b2 * (gi * gi);
      p[i] += -step_size * (pm[i] / (std::sqrt(pv[i]) / sqrt_bc2 + eps));
    }
  });
}

void CpuBackend::sgd_update(const Tensor& param, const Tensor& grad, const Tensor& momentum,
                            const SgdConfig& c) {
  dispatch_float(param.dtype(), [&]<typename scalar_t>() {
    using T = scalar_t;
    T* p = param.data<T>();
    const T* g = grad.data<T>();
    T* buf = c.momentum != 0 ? momentum.data<T>() : nullptr;
    const int64_t n = param.numel();
    const T lr = c.lr, mu = c.momentum, damp = static_cast<T>(1.0 - c.dampening), wd = c.weight_decay;
    const bool nesterov = c.nesterov, first = c.first_step;
#pragma omp parallel for simd schedule(static) if (n >= 32768)
    for (int64_t i = 0; i < n; ++i) {
      T d = g[i] + wd * p[i];
      if (buf) {
        buf[i] = first ? d : mu * buf[i] + damp * d;
        d = nesterov ? d + mu * buf[i] : buf[i];
      }
      p[i] -= lr * d;
    }
  });
}

}  // namespace scidl::backend::cpu
