// Adam and AdamW (torch.optim semantics). Keras's epsilon default is 1e-7, PyTorch's 1e-8.
#pragma once
#include "scidl/optim/optimizer.h"

namespace scidl::optim {

struct AdamOptions {
  double lr = 1e-3;
  double beta1 = 0.9, beta2 = 0.999;
  double eps = 1e-8;
  double weight_decay = 0.0;
  bool decoupled_weight_decay = false;  // true: AdamW
};

class Adam : public Optimizer {
 public:
  Adam(std::vector<Tensor> params, AdamOptions options = {});
  void update(const backend::FlatRange& part) override;
  std::string name() const override { return options_.decoupled_weight_decay ? "AdamW" : "Adam"; }
  const AdamOptions& options() const { return options_; }

 private:
  AdamOptions options_;
};

}  // namespace scidl::optim
