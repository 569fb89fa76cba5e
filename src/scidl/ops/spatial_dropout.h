// Spatial dropout (Dropout2d): zeroes whole channels of an [N, C, H, W] tensor with probability
// p and scales the kept ones by 1/(1-p), so neighbouring pixels, which are strongly correlated,
// cannot stand in for a dropped one. Identity when !training or p == 0; seeded mask.
#pragma once
#include "scidl/tensor/random.h"
#include "scidl/tensor/tensor.h"

namespace scidl {

Tensor dropout2d(const Tensor& x, double p, bool training, Generator& gen = default_generator());

}  // namespace scidl
