// Sequential: modules applied in order, named "0", "1", ... as in PyTorch. A Linear or Conv2d
// followed by ReLU, Tanh or Sigmoid runs as one fused op, and a run of two or more Linear
// (each optionally followed by a ReLU or Tanh) as one dense_chain op; parameter names are
// unchanged.
#pragma once
#include <optional>

#include "scidl/nn/module.h"
#include "scidl/ops/linalg.h"

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

  // The forward and the mean L1 or MSE loss against `target` as one fused op
  // (dense_chain_loss), when the whole model is one chain of Linear(+ReLU/Tanh) layers and the
  // op fuses; otherwise an undefined loss, and the caller runs forward() and the loss.
  DenseChainLoss forward_with_loss(const Tensor& x, const Tensor& target, FusedLoss loss);

  // The Linear(+ReLU/Tanh) layers from module `first` on: their parameters (a bias undefined
  // where a layer has none), and the index of the first module after them.
  struct DenseRun {
    std::vector<Tensor> weights, biases;
    std::vector<Activation> activations;
    size_t end = 0;
  };
  // The whole model as the chain forward_with_loss fuses for input x, or nothing when it is not
  // one.
  std::optional<DenseRun> whole_dense_chain(const Tensor& x) const;

 private:
  DenseRun dense_run(size_t first) const;
  // Whether the run is one for dense_chain: two layers or more, and x of the first one's width.
  bool takes_as_chain(const DenseRun& run, size_t first, const Tensor& x) const;
  // Runs the Linear(+ReLU/Tanh) layers from module `first` on as one dense_chain op when there
  // are at least two; returns the index of the first module after them (`first` if none ran).
  size_t forward_dense_chain(size_t first, Tensor& x);
};

}  // namespace scidl::nn
