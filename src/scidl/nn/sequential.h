// Sequential: modules applied in order, named "0", "1", ... as in PyTorch. Its forward goes
// through the fusion pass (nn/fusion.h), as a run of layers inside a model graph does.
#pragma once
#include "scidl/nn/module.h"

namespace scidl::nn {

class Sequential : public Module {
 public:
  Sequential() = default;
  explicit Sequential(std::vector<ModulePtr> modules);
  void push_back(ModulePtr m);
  Tensor forward(const Tensor& x) override;
  Tensor forward_batch(const TensorDict& batch) override;  // graphs too (message_passing.h)
  std::string describe() const override { return "Sequential"; }
  std::vector<Module*> as_chain() override;
  size_t size() const { return children().size(); }
  Module& at(size_t i) const { return *children().at(i).second; }
};

}  // namespace scidl::nn
