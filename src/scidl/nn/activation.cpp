#include "scidl/nn/activation.h"

#include <fmt/format.h>

#include "scidl/ops/ops.h"

namespace scidl::nn {

Tensor ReLU::forward(const Tensor& x) { return relu(x); }
Tensor GELU::forward(const Tensor& x) { return gelu(x, tanh_); }
Tensor SiLU::forward(const Tensor& x) { return silu(x); }
Tensor Tanh::forward(const Tensor& x) { return tanh(x); }
Tensor Sigmoid::forward(const Tensor& x) { return sigmoid(x); }
Tensor LeakyReLU::forward(const Tensor& x) { return leaky_relu(x, slope_); }
std::string LeakyReLU::describe() const { return fmt::format("LeakyReLU({})", slope_); }
Tensor ELU::forward(const Tensor& x) { return elu(x, alpha_); }
std::string ELU::describe() const { return fmt::format("ELU({})", alpha_); }
Tensor Softmax::forward(const Tensor& x) { return softmax(x, dim_); }
Tensor LogSoftmax::forward(const Tensor& x) { return log_softmax(x, dim_); }

Dropout::Dropout(double p, uint64_t seed) : p_(p), gen_(seed) {
  if (p < 0 || p >= 1)
    throw std::invalid_argument(fmt::format("Dropout: rate must be in [0, 1), got {}", p));
}
Tensor Dropout::forward(const Tensor& x) { return dropout(x, p_, is_training(), gen_); }
std::string Dropout::describe() const { return fmt::format("Dropout({})", p_); }

Tensor Flatten::forward(const Tensor& x) { return flatten(x, 1); }

Activation fusable_activation(const Module& m) {
  if (dynamic_cast<const ReLU*>(&m)) return Activation::Relu;
  if (dynamic_cast<const Tanh*>(&m)) return Activation::Tanh;
  if (dynamic_cast<const Sigmoid*>(&m)) return Activation::Sigmoid;
  return Activation::None;
}

}  // namespace scidl::nn
