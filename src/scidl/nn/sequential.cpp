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

size_t Sequential::forward_dense_chain(size_t first, Tensor& x) {
  const auto& mods = children();
  std::vector<Tensor> weights, biases;
  std::vector<Activation> activations;
  size_t i = first;
  while (i < mods.size()) {
    auto* lin = dynamic_cast<Linear*>(mods[i].second.get());
    if (!lin) break;
    const Activation act =
        i + 1 < mods.size() ? fusable_activation(*mods[i + 1].second) : Activation::None;
    if (act != Activation::None && act != Activation::Relu) break;  // Tanh, Sigmoid: linear()
    weights.push_back(lin->weight());
    biases.push_back(lin->bias());
    activations.push_back(act);
    i += act == Activation::Relu ? 2 : 1;
  }
  if (weights.size() < 2) return first;
  // The first layer's own check gives the error a wrong input deserves, naming the layer.
  auto* head = dynamic_cast<Linear*>(mods[first].second.get());
  if (x.dim() < 1 || x.shape().back() != head->in_features()) return first;
  x = dense_chain(x, weights, biases, activations);
  return i;
}

}  // namespace scidl::nn
