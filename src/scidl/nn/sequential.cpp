#include "scidl/nn/sequential.h"

#include "scidl/nn/fusion.h"

namespace scidl::nn {

Sequential::Sequential(std::vector<ModulePtr> modules) {
  for (auto& m : modules) push_back(std::move(m));
}

void Sequential::push_back(ModulePtr m) { register_module(std::to_string(size()), std::move(m)); }

std::vector<Module*> Sequential::as_chain() {
  std::vector<Module*> chain;
  for (const auto& [name, m] : children()) chain.push_back(m.get());
  return chain;
}

Tensor Sequential::forward(const Tensor& x) { return forward_fused(as_chain(), x); }

}  // namespace scidl::nn
