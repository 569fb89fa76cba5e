#include "scidl/explain/noise_tunnel.h"

#include <fmt/format.h>

#include <algorithm>

#include "scidl/autograd/grad_mode.h"
#include "scidl/ops/elementwise.h"
#include "scidl/ops/random_ops.h"
#include "scidl/ops/shape_ops.h"

namespace scidl::explain {

NoiseTunnelType parse_noise_tunnel_type(const std::string& name) {
  if (name == "smoothgrad") return NoiseTunnelType::SmoothGrad;
  if (name == "smoothgrad_sq") return NoiseTunnelType::SmoothGradSquared;
  if (name == "vargrad") return NoiseTunnelType::VarGrad;
  throw ExplainError(fmt::format(
      "unknown noise tunnel type '{}'; choose one of smoothgrad, smoothgrad_sq, vargrad", name));
}

std::string noise_tunnel_type_name(NoiseTunnelType type) {
  switch (type) {
    case NoiseTunnelType::SmoothGrad:
      return "smoothgrad";
    case NoiseTunnelType::SmoothGradSquared:
      return "smoothgrad_sq";
    case NoiseTunnelType::VarGrad:
      return "vargrad";
  }
  return "?";
}

Tensor noise_tunnel(const AttributionMethod& method, const Tensor& x, const Target& target,
                    const NoiseTunnelOptions& options) {
  if (options.nt_samples < 1)
    throw ExplainError(fmt::format(
        "noise tunnel: nt_samples is {}; use at least 1 noisy sample per example (5 is the "
        "default)",
        options.nt_samples));
  if (!(options.stdev >= 0.0))
    throw ExplainError(fmt::format("noise tunnel: stdev is {}; it must be >= 0", options.stdev));
  if (!x.defined() || x.dim() < 1)
    throw ExplainError("noise tunnel: the input must be a batch [N, ...]");
  Shape noisy_shape = x.shape();
  noisy_shape[0] *= options.nt_samples;
  Generator gen(options.seed);
  Tensor noise = normal(noisy_shape, 0.0, options.stdev, x.dtype(), gen);
  return noise_tunnel_with_noise(method, x, target, options.type, noise);
}

Tensor noise_tunnel_with_noise(const AttributionMethod& method, const Tensor& x,
                               const Target& target, NoiseTunnelType type, const Tensor& noise) {
  const int64_t n = x.shape()[0];
  if (noise.dim() != x.dim() || noise.shape()[0] % n != 0 || noise.shape()[0] == 0 ||
      !std::equal(noise.shape().begin() + 1, noise.shape().end(), x.shape().begin() + 1))
    throw ExplainError(
        fmt::format("noise tunnel: noise of shape {} does not fit inputs of shape {}; it needs "
                    "[N * nt_samples, ...] rows",
                    shape_str(noise.shape()), shape_str(x.shape())));
  const int64_t samples = noise.shape()[0] / n;
  Tensor noisy;
  {
    NoGradGuard no_grad;
    Shape with_axis = x.shape();
    with_axis.insert(with_axis.begin() + 1, samples);
    Tensor repeated =
        reshape(expand(unsqueeze(x.detach(), 1), with_axis).contiguous(), noise.shape());
    noisy = (repeated + noise.to(x.dtype())).contiguous();
  }
  Tensor a = method(noisy, target.repeat_interleave(samples)).detach().contiguous();
  if (a.shape() != noisy.shape())
    throw ExplainError(fmt::format("noise tunnel: the method returned shape {} for inputs {}",
                                   shape_str(a.shape()), shape_str(noisy.shape())));
  const int64_t features = x.numel() / n;
  Tensor out = empty(x.shape(), x.dtype(), x.device());
  dispatch_float(x.dtype(), [&]<typename T>() {
    const T* ap = a.data<T>();
    T* op = out.data<T>();
    for (int64_t i = 0; i < n; ++i)
      for (int64_t d = 0; d < features; ++d) {
        double sum = 0.0, sum_sq = 0.0;
        for (int64_t s = 0; s < samples; ++s) {
          const double v = ap[(i * samples + s) * features + d];
          sum += v;
          sum_sq += v * v;
        }
        const double mean = sum / samples, mean_sq = sum_sq / samples;
        op[i * features + d] =
            static_cast<T>(type == NoiseTunnelType::SmoothGrad          ? mean
                           : type == NoiseTunnelType::SmoothGradSquared ? mean_sq
                                                                        : mean_sq - mean * mean);
      }
  });
  return out;
}

}  // namespace scidl::explain
