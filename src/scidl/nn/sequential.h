// Sequential: modules applied in order, named "0", "1", ... as in PyTorch. A Linear or Conv2d
// followed by ReLU, Tanh or Sigmoid runs as one fused op; parameter names are unchanged by that.
#pragma once
#include "scidl/nn/module.h"

namespace scidl::nn {

class Sequential : public Module {
 public:
  Sequential() = default;
  explicit Sequential(std::vector<ModulePtr> modules);
  void push_back(ModulePtr m);
  Tensor forward(const Tensor& x) override;
  std::string describe() const override { return "Sequential"; }
  size_t size() const { return children().size(); }
  Module& at(size_t i) const { return *children().at(i).second; }
};

}  // namespace scidl::nn
