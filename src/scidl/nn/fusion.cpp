#include "scidl/nn/fusion.h"

#include "scidl/nn/activation.h"
#include "scidl/nn/conv.h"
#include "scidl/nn/linear.h"

namespace scidl::nn {

namespace {

Activation activation_after(const std::vector<Module*>& chain, size_t i) {
  return i + 1 < chain.size() ? fusable_activation(*chain[i + 1]) : Activation::None;
}

// The Linear(+ReLU/Tanh) layers from chain[first] on.
DenseRun dense_run(const std::vector<Module*>& chain, size_t first) {
  DenseRun run;
  size_t i = first;
  while (i < chain.size()) {
    auto* lin = dynamic_cast<Linear*>(chain[i]);
    if (!lin) break;
    const Activation act = activation_after(chain, i);
    if (act == Activation::Sigmoid) break;  // not in the kernels: linear()
    run.weights.push_back(lin->weight());
    run.biases.push_back(lin->bias());
    run.activations.push_back(act);
    i += act == Activation::None ? 1 : 2;
  }
  run.end = i;
  return run;
}

// Whether the run is one for dense_chain: two layers or more, and x of the first one's width.
// (Otherwise the first layer's own check gives a wrong input the error naming the layer.)
bool takes_as_chain(const DenseRun& run, const std::vector<Module*>& chain, size_t first,
                    const Tensor& x) {
  if (run.weights.size() < 2) return false;
  auto* head = dynamic_cast<Linear*>(chain[first]);
  return x.dim() >= 1 && x.shape().back() == head->in_features();
}

}  // namespace

Tensor forward_fused(const std::vector<Module*>& chain, const Tensor& input) {
  Tensor x = input;
  for (size_t i = 0; i < chain.size(); ++i) {
    if (const DenseRun run = dense_run(chain, i); takes_as_chain(run, chain, i, x)) {
      x = dense_chain(x, run.weights, run.biases, run.activations);
      i = run.end - 1;
      continue;
    }
    const Activation act = activation_after(chain, i);
    if (act != Activation::None) {
      if (auto* lin = dynamic_cast<Linear*>(chain[i])) {
        x = lin->forward_fused(x, act);
        ++i;
        continue;
      }
      if (auto* conv = dynamic_cast<Conv2d*>(chain[i])) {
        x = conv->forward_fused(x, act);
        ++i;
        continue;
      }
    }
    x = chain[i]->forward(x);
  }
  return x;
}

std::optional<DenseRun> whole_dense_chain(Module& model, const Tensor& x) {
  const std::vector<Module*> chain = model.as_chain();
  if (chain.empty()) return {};
  DenseRun run = dense_run(chain, 0);
  if (run.end != chain.size() || !takes_as_chain(run, chain, 0, x)) return {};
  return run;
}

DenseChainLoss forward_with_loss(Module& model, const Tensor& x, const Tensor& target,
                                 FusedLoss loss) {
  const auto run = whole_dense_chain(model, x);
  if (!run) return {};
  return dense_chain_loss(x, run->weights, run->biases, run->activations, target, loss);
}

}  // namespace scidl::nn
