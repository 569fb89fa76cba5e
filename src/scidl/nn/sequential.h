// Sequential: modules applied in order, named "0", "1", ... as in PyTorch. A Linear or Conv2d
// followed by ReLU, Tanh or Sigmoid runs as one fused op, and a run of two or more Linear
// (each optionally followed by a ReLU) as one dense_chain op; parameter names are unchanged.
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

 private:
  // Runs the Linear(+ReLU) layers from module `first` on as one dense_chain op when there are
  // at least two; returns the index of the first module after them (`first` if none ran).
  size_t forward_dense_chain(size_t first, Tensor& x);
};

}  // namespace scidl::nn
