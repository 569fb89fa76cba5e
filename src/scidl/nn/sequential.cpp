#include "scidl/nn/sequential.h"

#include "scidl/nn/activation.h"
#include "scidl/nn/conv.h"
#include "scidl/nn/linear.h"

namespace scidl::nn {

Sequential::Sequential(std::vector<ModulePtr> modules) {
  for (auto& m : modules) push_back(std::move(m));
}

void Sequential::push_back(ModulePtr m) { register_module(std::to_string(size()), std::move(m)); }

Tensor Sequential::forward(const Tensor& input) {
  Tensor x = input;
  const auto& mods = children();
  for (size_t i = 0; i < mods.size(); ++i) {
    if (size_t next = forward_dense_chain(i, x); next > i) {
      i = next - 1;
      continue;
    }
    if (auto* lin = dynamic_cast<Linear*>(mods[i].second.get()); lin && i + 1 < mods.size()) {
      Activation act = fusable_activation(*mods[i + 1].second);
      if (act != Activation::None) {
        x = lin->forward_fused(x, act);
        ++i;
        continue;
      }
    }
    if (auto* conv = dynamic_cast<Conv2d*>(mods[i].second.get()); conv && i + 1 < mods.size()) {
      Activation act = fusable_activation(*mods[i + 1].second);
      if (act != Activation::None) {
        x = conv->forward_fused(x, act);
        ++i;
        continue;
      }
    }
    x = mods[i].second->forward(x);
  }
  return x;
}

Sequential::DenseRun Sequential::dense_run(size_t first) const {
  const auto& mods = children();
  DenseRun run;
  size_t i = first;
  while (i < mods.size()) {
    auto* lin = dynamic_cast<Linear*>(mods[i].second.get());
    if (!lin) break;
    const Activation act =
        i + 1 < mods.size() ? fusable_activation(*mods[i + 1].second) : Activation::None;
    if (act == Activation::Sigmoid) break;  // not in the kernels: linear()
    run.weights.push_back(lin->weight());
    run.biases.push_back(lin->bias());
    run.activations.push_back(act);
    i += act == Activation::None ? 1 : 2;
  }
  run.end = i;
  return run;
}

bool Sequential::takes_as_chain(const DenseRun& run, size_t first, const Tensor& x) const {
  if (run.weights.size() < 2) return false;
  // The first layer's own check gives the error a wrong input deserves, naming the layer.
  auto* head = dynamic_cast<Linear*>(children()[first].second.get());
  return x.dim() >= 1 && x.shape().back() == head->in_features();
}

size_t Sequential::forward_dense_chain(size_t first, Tensor& x) {
  const DenseRun run = dense_run(first);
  if (!takes_as_chain(run, first, x)) return first;
  x = dense_chain(x, run.weights, run.biases, run.activations);
  return run.end;
}

std::optional<Sequential::DenseRun> Sequential::whole_dense_chain(const Tensor& x) const {
  DenseRun run = dense_run(0);
  if (run.end != size() || !takes_as_chain(run, 0, x)) return {};
  return run;
}

DenseChainLoss Sequential::forward_with_loss(const Tensor& x, const Tensor& target,
                                             FusedLoss loss) {
  const auto run = whole_dense_chain(x);
  if (!run) return {};
  return dense_chain_loss(x, run->weights, run->biases, run->activations, target, loss);
}

}  // namespace scidl::nn
