// Losses, each reducing to the mean over all elements (or over the batch for class losses),
// as PyTorch's reduction='mean'.
#pragma once
#include "scidl/tensor/tensor.h"

namespace scidl {

Tensor mse_loss(const Tensor& prediction, const Tensor& target);
Tensor l1_loss(const Tensor& prediction, const Tensor& target);  // MAE
Tensor huber_loss(const Tensor& prediction, const Tensor& target, double delta = 1.0);
// logits [N, C] (or [N, C, ...]), target int64 class indices [N] (or [N, ...]).
Tensor cross_entropy(const Tensor& logits, const Tensor& target);
Tensor nll_loss(const Tensor& log_probs, const Tensor& target);
// Numerically stable: max(x,0) - x*y + log(1 + exp(-|x|)); targets are probabilities.
Tensor binary_cross_entropy_with_logits(const Tensor& logits, const Tensor& target);

}  // namespace scidl
