// NoiseTunnel (Captum's): runs an attribution method on nt_samples noisy copies of each example,
// x + N(0, stdev^2) per element, and combines the attributions per example:
//   smoothgrad     mean                      (Smilkov et al. 2017)
//   smoothgrad_sq  mean of squares
//   vargrad        mean of squares - square of the mean (population variance; Adebayo et al.)
// The noisy batch is [N * nt_samples, ...] with each example's copies in a row (Captum's
// repeat_interleave layout), so the method sees one batch and runs its batched passes once.
// Contract: the same seed gives the same noise; noise can also be given explicitly (to replay
// another library's draw). The method returns attributions of its input's shape.
#pragma once
#include <cstdint>
#include <functional>
#include <string>

#include "scidl/explain/target_gradient.h"

namespace scidl::explain {

enum class NoiseTunnelType { SmoothGrad, SmoothGradSquared, VarGrad };

NoiseTunnelType parse_noise_tunnel_type(const std::string& name);  // smoothgrad, ...
std::string noise_tunnel_type_name(NoiseTunnelType type);

struct NoiseTunnelOptions {
  NoiseTunnelType type = NoiseTunnelType::SmoothGrad;
  int nt_samples = 5;
  double stdev = 1.0;  // absolute, in the units of x (as Captum's stdevs)
  uint64_t seed = 0;
};

// A method seen by the tunnel: attributions for a batch and its targets (one per row).
using AttributionMethod = std::function<Tensor(const Tensor& inputs, const Target& target)>;

Tensor noise_tunnel(const AttributionMethod& method, const Tensor& x, const Target& target,
                    const NoiseTunnelOptions& options);

// With the noise given: noise has shape [N * nt_samples, ...], example n's copies in rows
// n * nt_samples .. n * nt_samples + nt_samples - 1.
Tensor noise_tunnel_with_noise(const AttributionMethod& method, const Tensor& x,
                               const Target& target, NoiseTunnelType type, const Tensor& noise);

}  // namespace scidl::explain
