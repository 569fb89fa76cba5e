// Softmax, log-softmax and dropout as differentiable functions.
#pragma once
#include "scidl/tensor/random.h"
#include "scidl/tensor/tensor.h"

namespace scidl {

Tensor softmax(const Tensor& x, int64_t dim = -1);
Tensor log_softmax(const Tensor& x, int64_t dim = -1);
// Inverted dropout: zeroes each element with probability p and scales the rest by 1/(1-p);
// identity when !training or p == 0. The mask comes from `gen` (seeded, reproducible).
Tensor dropout(const Tensor& x, double p, bool training, Generator& gen = default_generator());
// PyTorch's layer_norm over the last dimension: (x - mean) / sqrt(var + eps) * weight + bias,
// the variance biased; weight and bias [features] or undefined.
Tensor layer_norm(const Tensor& x, const Tensor& weight, const Tensor& bias, double eps = 1e-5);
// Rows of `weight` [num, dim] picked by int64 indices of any shape: out = indices.shape + [dim].
Tensor embedding(const Tensor& indices, const Tensor& weight);

}  // namespace scidl
