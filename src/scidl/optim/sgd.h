// SGD with momentum, dampening, Nesterov and weight decay (torch.optim.SGD semantics: the
// momentum buffer starts as the first gradient).
#pragma once
#include "scidl/optim/optimizer.h"

namespace scidl::optim {

struct SgdOptions {
  double lr = 0.01;
  double momentum = 0.0;
  double dampening = 0.0;
  double weight_decay = 0.0;
  bool nesterov = false;
};

class SGD : public Optimizer {
 public:
  SGD(std::vector<Tensor> params, SgdOptions options = {});
  void update(const backend::FlatRange& part) override;
  std::string name() const override { return "SGD"; }

 private:
  SgdOptions options_;
};

}  // namespace scidl::optim
