// Batch normalisation over the channel dim of x: [N, C] or [N, C, *] (NCL, NCHW, ...), with
// torch.nn.functional.batch_norm semantics. Training normalises by the batch's mean and biased
// variance and, when running statistics are given, updates them in place:
//   running_mean = (1 - momentum) * running_mean + momentum * mean
//   running_var  = (1 - momentum) * running_var  + momentum * unbiased variance
// Otherwise (evaluation) it normalises by the running statistics. y = xhat * weight + bias.
// Contract: weight, bias, running_mean, running_var are [C] or undefined (no affine, no running
// statistics), in x's dtype; training needs more than one value per channel. Differentiable in
// x, weight and bias (one autograd node; the backward is the closed form).
#pragma once
#include "scidl/tensor/tensor.h"

namespace scidl {

Tensor batch_norm(const Tensor& x, const Tensor& weight, const Tensor& bias,
                  const Tensor& running_mean, const Tensor& running_var, bool training,
                  double momentum = 0.1, double eps = 1e-5);

}  // namespace scidl
