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

}  // namespace scidl::nn
