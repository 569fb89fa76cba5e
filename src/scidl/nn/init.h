// Weight initialisers. Glorot (Xavier) uniform is Keras's default for Dense/Conv kernels;
// Kaiming uniform with a = sqrt(5) is PyTorch's default for Linear/Conv weights, with biases
// uniform in +-1/sqrt(fan_in). All draw from a seeded generator.
#pragma once
#include <string>

#include "scidl/tensor/random.h"
#include "scidl/tensor/tensor.h"

namespace scidl::nn {

enum class Init { KaimingUniform, GlorotUniform, GlorotNormal, KaimingNormal, Zeros };

Init parse_init(const std::string& name);  // "kaiming_uniform", "glorot_uniform", ...
// Fills weight (fan_in, fan_out given) in place.
void init_weight(const Tensor& weight, Init init, int64_t fan_in, int64_t fan_out, Generator& gen);
// PyTorch's bias rule (uniform +-1/sqrt(fan_in)) for Kaiming; zeros for Keras-style Glorot.
void init_bias(const Tensor& bias, Init init, int64_t fan_in, Generator& gen);

}  // namespace scidl::nn
