// Optimizers by name, as configs spell them: sgd, adam, adamw.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "scidl/optim/optimizer.h"

namespace scidl::optim {

struct OptimizerSpec {
  std::string type = "adam";
  double lr = 1e-3;
  double momentum = 0.0, dampening = 0.0;
  bool nesterov = false;
  double beta1 = 0.9, beta2 = 0.999;
  double eps = 1e-8;  // PyTorch's default; Keras uses 1e-7
  double weight_decay = 0.0;
};

std::unique_ptr<Optimizer> make_optimizer(const OptimizerSpec& spec, std::vector<Tensor> params);
const std::vector<std::string>& optimizer_names();

}  // namespace scidl::optim
