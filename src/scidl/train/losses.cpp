#include "scidl/train/losses.h"

#include <fmt/format.h>

#include "scidl/ops/loss.h"

namespace scidl::train {

const std::vector<std::string>& loss_names() {
  static const std::vector<std::string> names{
      "mse", "mae", "l1", "huber", "cross_entropy", "nll", "bce_with_logits"};
  return names;
}

LossFn make_loss(const std::string& name, double delta) {
  if (name == "mse") return mse_loss;
  if (name == "mae" || name == "l1") return l1_loss;
  if (name == "huber")
    return [delta](const Tensor& p, const Tensor& t) { return huber_loss(p, t, delta); };
  if (name == "cross_entropy") return cross_entropy;
  if (name == "nll") return nll_loss;
  if (name == "bce_with_logits") return binary_cross_entropy_with_logits;
  throw std::invalid_argument(
      fmt::format("unknown loss '{}'; choose one of {}", name, fmt::join(loss_names(), ", ")));
}

bool loss_takes_class_indices(const std::string& name) {
  return name == "cross_entropy" || name == "nll";
}

}  // namespace scidl::train
