// The fusion pass over a chain of modules applied one after another: a stack (Sequential) or a
// run of single-input layers inside a model graph (nn/graph.h). One mechanism serves both:
//   - a run of two or more Linear layers, each optionally followed by ReLU or Tanh, is one
//     dense_chain op (one pass over the batch each way);
//   - a Linear or Conv2d followed by ReLU, Tanh or Sigmoid is one fused op;
//   - anything else runs module by module.
// Parameter names are untouched: fusion changes how a forward runs, never what it computes.
#pragma once
#include <optional>
#include <vector>

#include "scidl/nn/module.h"
#include "scidl/ops/linalg.h"

namespace scidl::nn {

// Applies `chain` to x with the fusions above.
Tensor forward_fused(const std::vector<Module*>& chain, const Tensor& x);

// The Linear(+ReLU/Tanh) layers of a chain: their parameters (a bias undefined where a layer has
// none) and activations.
struct DenseRun {
  std::vector<Tensor> weights, biases;
  std::vector<Activation> activations;
  size_t end = 0;  // the index in the chain of the first module after the run
};

// The whole model as one dense chain for input x (model.as_chain() all Linear(+ReLU/Tanh), two
// layers or more, x of the first one's width), or nothing.
std::optional<DenseRun> whole_dense_chain(Module& model, const Tensor& x);

// The forward and the mean L1 or MSE loss against `target` as one fused op (dense_chain_loss)
// when the whole model is a dense chain for x and the op fuses; otherwise an undefined loss, and
// the caller runs the forward and the loss.
DenseChainLoss forward_with_loss(Module& model, const Tensor& x, const Tensor& target,
                                 FusedLoss loss);

}  // namespace scidl::nn
