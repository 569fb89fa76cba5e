// Adadelta (torch.optim.Adadelta semantics): steps scaled by the ratio of the running RMS of
// past updates to the running RMS of gradients, then by lr (PyTorch's default lr is 1.0; Keras
// uses 0.001 with rho 0.95).
// Contract: lr > 0, 0 <= rho <= 1, eps >= 0.
#pragma once
#include "scidl/optim/optimizer.h"

namespace scidl::optim {

struct AdadeltaOptions {
  double lr = 1.0;
  double rho = 0.9;
  double eps = 1e-6;
  double weight_decay = 0.0;
};

class Adadelta : public Optimizer {
 public:
  Adadelta(std::vector<Tensor> params, AdadeltaOptions options = {});
  void update(const backend::FlatRange& part) override;
  std::string name() const override { return "Adadelta"; }
  const AdadeltaOptions& options() const { return options_; }

 private:
  AdadeltaOptions options_;
};

}  // namespace scidl::optim
