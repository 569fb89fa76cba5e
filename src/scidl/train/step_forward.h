// The forward half of a training step: prediction and loss. When the model is one chain of
// dense layers and the loss is MAE or MSE, both come from one fused pass that also computes the
// gradients while each group of rows is in cache (nn::forward_with_loss); the
// loss's backward() then only hands them over. Everything else runs model(x), then the loss.
// Either way loss.backward() leaves the same gradients (to float32 rounding).
#pragma once
#include <optional>
#include <string>

#include "scidl/nn/module.h"
#include "scidl/ops/linalg.h"
#include "scidl/train/losses.h"

namespace scidl::train {

// The fused loss a config's loss name stands for: mae / l1 and mse; nothing for the others.
std::optional<FusedLoss> fused_loss_of(const std::string& loss_name);

struct StepForward {
  Tensor prediction;  // for metrics; without a graph when the pass was fused
  Tensor loss;
};

// `fused`: the loss `loss` computes, when it is one the fused pass knows (fused_loss_of).
// The model reads its inputs from `batch` ("x" for a model of one input).
StepForward forward_and_loss(nn::Module& model, const TensorDict& batch, const Tensor& y,
                             const LossFn& loss, std::optional<FusedLoss> fused);
// The same for a model of one input x.
inline StepForward forward_and_loss(nn::Module& model, const Tensor& x, const Tensor& y,
                                    const LossFn& loss, std::optional<FusedLoss> fused) {
  return forward_and_loss(model, TensorDict{{"x", x}}, y, loss, fused);
}

}  // namespace scidl::train
