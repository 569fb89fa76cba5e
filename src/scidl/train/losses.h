// Losses by name, as configs spell them: mse, mae (l1), huber, cross_entropy, nll,
// bce_with_logits.
#pragma once
#include <functional>
#include <string>

#include "scidl/tensor/tensor.h"

namespace scidl::train {

using LossFn = std::function<Tensor(const Tensor& prediction, const Tensor& target)>;

LossFn make_loss(const std::string& name, double huber_delta = 1.0);
bool loss_takes_class_indices(const std::string& name);  // targets are int64 classes
const std::vector<std::string>& loss_names();

}  // namespace scidl::train
