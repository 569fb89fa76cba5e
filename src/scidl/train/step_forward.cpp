#include "scidl/train/step_forward.h"

#include "scidl/nn/fusion.h"

namespace scidl::train {

std::optional<FusedLoss> fused_loss_of(const std::string& loss_name) {
  if (loss_name == "mae" || loss_name == "l1") return FusedLoss::L1;
  if (loss_name == "mse") return FusedLoss::MSE;
  return std::nullopt;
}

StepForward forward_and_loss(nn::Module& model, const TensorDict& batch, const Tensor& y,
                             const LossFn& loss, std::optional<FusedLoss> fused) {
  if (fused) {
    DenseChainLoss f = nn::forward_with_loss(model, batch.get("x"), y, *fused);
    if (f.loss.defined()) return {f.prediction, f.loss};
  }
  Tensor prediction = model.forward_batch(batch);
  return {prediction, loss(prediction, y)};
}

}  // namespace scidl::train
