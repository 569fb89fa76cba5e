#include "scidl/nn/layer_norm.h"

#include <fmt/format.h>

#include "scidl/ops/nn_functional.h"

namespace scidl::nn {

LayerNorm::LayerNorm(int64_t features, double eps, bool affine, DType dtype)
    : features_(features), eps_(eps) {
  if (features < 1 || !(eps > 0))
    throw std::invalid_argument(
        fmt::format("LayerNorm: needs features >= 1 and eps > 0, got {} and {}", features, eps));
  if (affine) {
    weight_ = register_parameter("weight", ones({features}, dtype));
    bias_ = register_parameter("bias", zeros({features}, dtype));
  }
}

Tensor LayerNorm::forward(const Tensor& x) {
  if (x.dim() < 2 || x.shape().back() != features_)
    throw std::invalid_argument(fmt::format("{}: expects inputs [N, ..., {}], got {}", describe(),
                                            features_, shape_str(x.shape())));
  return layer_norm(x, weight_, bias_, eps_);
}

std::string LayerNorm::describe() const { return fmt::format("LayerNorm({})", features_); }

}  // namespace scidl::nn
