// Adagrad (torch.optim.Adagrad semantics): each weight's step is divided by the root of its
// summed squared gradients; the step size decays as lr / (1 + (step - 1) * lr_decay).
// Contract: lr > 0, lr_decay >= 0, eps >= 0, initial_accumulator_value >= 0.
#pragma once
#include "scidl/optim/optimizer.h"

namespace scidl::optim {

struct AdagradOptions {
  double lr = 0.01;
  double lr_decay = 0.0;
  double weight_decay = 0.0;
  double initial_accumulator_value = 0.0;
  double eps = 1e-10;  // PyTorch's default; Keras uses 1e-7
};

class Adagrad : public Optimizer {
 public:
  Adagrad(std::vector<Tensor> params, AdagradOptions options = {});
  void update(const backend::FlatRange& part) override;
  std::string name() const override { return "Adagrad"; }
  const AdagradOptions& options() const { return options_; }

 private:
  AdagradOptions options_;
};

}  // namespace scidl::optim
