#include "scidl/nn/module.h"

#include <fmt/format.h>

#include <functional>

namespace scidl::nn {

Tensor Module::forward_inputs(const std::vector<Tensor>& xs) {
  if (xs.size() != 1)
    throw std::invalid_argument(
        fmt::format("{} takes one input, but {} were given", describe(), xs.size()));
  return forward(xs[0]);
}

Tensor Module::register_parameter(std::string name, Tensor value) {
  value.requires_grad_(true);
  params_.emplace_back(std::move(name), value);
  return value;
}

Tensor Module::register_buffer(std::string name, Tensor value) {
  buffers_.emplace_back(std::move(name), value);
  return value;
}

void Module::collect(const std::string& prefix, NamedTensors& out, bool buffers) const {
  for (const auto& [name, t] : buffers ? buffers_ : params_) out.emplace_back(prefix + name, t);
  for (const auto& [name, child] : children_) child->collect(prefix + name + ".", out, buffers);
}

NamedTensors Module::named_parameters() const {
  NamedTensors out;
  collect("", out, false);
  return out;
}

std::vector<Tensor> Module::parameters() const {
  std::vector<Tensor> out;
  for (auto& [name, t] : named_parameters()) {
    t.set_name(name);
    out.push_back(t);
  }
  return out;
}

NamedTensors Module::named_buffers() const {
  NamedTensors out;
  collect("", out, true);
  return out;
}

std::map<std::string, Tensor> Module::state_dict() const {
  std::map<std::string, Tensor> out;
  for (auto& [n, t] : named_parameters()) out[n] = t;
  for (auto& [n, t] : named_buffers()) out[n] = t;
  return out;
}

void Module::load_state_dict(const std::map<std::string, Tensor>& state, bool strict) {
  auto mine = state_dict();
  std::vector<std::string> missing, unexpected, mismatched;
  for (const auto& [name, t] : mine) {
    auto it = state.find(name);
    if (it == state.end()) {
      missing.push_back(name);
    } else if (it->second.shape() != t.shape()) {
      mismatched.push_back(fmt::format("{} (model {}, given {})", name, shape_str(t.shape()),
                                       shape_str(it->second.shape())));
    }
  }
  for (const auto& [name, t] : state)
    if (!mine.count(name)) unexpected.push_back(name);
  if (!mismatched.empty() || (strict && (!missing.empty() || !unexpected.empty()))) {
    std::string msg = "load_state_dict: the weights do not fit this model:";
    if (!missing.empty()) msg += fmt::format(" missing {};", fmt::join(missing, ", "));
    if (!unexpected.empty()) msg += fmt::format(" unexpected {};", fmt::join(unexpected, ", "));
    if (!mismatched.empty()) msg += fmt::format(" wrong shape {};", fmt::join(mismatched, ", "));
    throw std::invalid_argument(msg);
  }
  for (auto& [name, t] : mine)
    if (auto it = state.find(name); it != state.end()) t.copy_(it->second);
}

int64_t Module::parameter_count() const {
  int64_t n = 0;
  for (const auto& [name, t] : named_parameters()) n += t.numel();
  return n;
}

void Module::train(bool on) {
  training_ = on;
  for (auto& [name, child] : children_) child->train(on);
}

void Module::to(DType dtype) {
  auto convert = [&](Tensor& t) {
    if (t.dtype() == dtype || !is_floating(t.dtype())) return;
    Tensor c = t.to(dtype);
    TensorImpl* impl = t.impl();
    impl->storage = c.impl()->storage;
    impl->strides = c.strides();
    impl->offset = c.offset();
    impl->dtype = dtype;
    impl->grad.reset();
  };
  for (auto& [n, t] : params_) convert(t);
  for (auto& [n, t] : buffers_) convert(t);
  for (auto& [n, child] : children_) child->to(dtype);
}

std::string Module::summary() const {
  std::string out;
  std::function<void(const Module&, const std::string&, int)> walk =
      [&](const Module& m, const std::string& name, int depth) {
        int64_t own = 0;
        for (const auto& [n, t] : m.params_) own += t.numel();
        out += fmt::format("{:{}}{}{}{}\n", "", depth * 2, name.empty() ? "" : name + ": ",
                           m.describe(), own ? fmt::format("  [{} parameters]", own) : "");
        for (const auto& [n, child] : m.children_) walk(*child, n, depth + 1);
      };
  walk(*this, "", 0);
  out += fmt::format("total parameters: {}\n", parameter_count());
  return out;
}

}  // namespace scidl::nn
