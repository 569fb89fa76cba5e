// RMSprop (torch.optim.RMSprop semantics): steps divided by a running RMS of the gradients
// (centered: by their running standard deviation), optionally with a momentum buffer.
// Keras's `rho` is PyTorch's `alpha`; Keras's default lr is 0.001 with rho 0.9 and eps 1e-7.
// Contract: lr > 0, 0 <= alpha <= 1, eps >= 0, momentum >= 0.
#pragma once
#include "scidl/optim/optimizer.h"

namespace scidl::optim {

struct RmspropOptions {
  double lr = 0.01;
  double alpha = 0.99;
  double eps = 1e-8;
  double weight_decay = 0.0;
  double momentum = 0.0;
  bool centered = false;
};

class RMSprop : public Optimizer {
 public:
  RMSprop(std::vector<Tensor> params, RmspropOptions options = {});
  void update(const backend::FlatRange& part) override;
  std::string name() const override { return "RMSprop"; }
  const RmspropOptions& options() const { return options_; }

 private:
  RmspropOptions options_;
};

}  // namespace scidl::optim
