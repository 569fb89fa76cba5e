#include "scidl/nn/linear.h"

#include <fmt/format.h>

namespace scidl::nn {

Linear::Linear(int64_t in, int64_t out, LinearOptions o, Generator& gen) : in_(in), out_(out) {
  if (in <= 0 || out <= 0)
    throw std::invalid_argument(
        fmt::format("Linear: sizes must be positive, got {} -> {}", in, out));
  weight_ = register_parameter("weight", empty({out, in}, o.dtype));
  init_weight(weight_, o.init, in, out, gen);
  if (o.bias) {
    bias_ = register_parameter("bias", empty({out}, o.dtype));
    init_bias(bias_, o.init, in, gen);
  }
}

Tensor Linear::forward_fused(const Tensor& x, Activation activation) {
  if (x.dim() < 1 || x.shape().back() != in_)
    throw std::invalid_argument(fmt::format("Linear({} -> {}): input of shape {} must end in {}",
                                            in_, out_, shape_str(x.shape()), in_));
  return linear(x, weight_, bias_, activation);
}

std::string Linear::describe() const {
  return fmt::format("Linear({} -> {}{})", in_, out_, bias_.defined() ? "" : ", no bias");
}

}  // namespace scidl::nn
