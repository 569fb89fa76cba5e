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

}  // namespace scidl
