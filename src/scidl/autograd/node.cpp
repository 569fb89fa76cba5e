#include "scidl/autograd/node.h"

#include <fmt/format.h>

#include "scidl/autograd/grad_mode.h"

namespace scidl {

namespace {
thread_local bool grad_enabled = true;
}
bool grad_mode_enabled() { return grad_enabled; }
void set_grad_mode(bool enabled) { grad_enabled = enabled; }

}  // namespace scidl

namespace scidl::autograd {

namespace {
std::vector<bool> needs_grad_of(const std::vector<Tensor>& inputs) {
  std::vector<bool> needs;
  needs.reserve(inputs.size());
  for (const auto& t : inputs) needs.push_back(t.defined() && t.requires_grad());
  return needs;
}
}  // namespace

Node::Node(const char* name, std::vector<Tensor> inputs, BackwardFn backward)
    : name_(name), inputs_(std::move(inputs)), outputs_(1) {
  needs_grad_ = needs_grad_of(inputs_);
  backward_ = [fn = std::move(backward)](const std::vector<Tensor>& g) { return fn(g[0]); };
}

Node::Node(const char* name, std::vector<Tensor> inputs, const std::vector<Tensor>& outputs,
           MultiBackwardFn backward)
    : name_(name), inputs_(std::move(inputs)), backward_(std::move(backward)) {
  needs_grad_ = needs_grad_of(inputs_);
  for (const auto& out : outputs)
    outputs_.push_back({out.impl_ptr(), out.shape(), out.dtype(), out.device()});
}

void Node::set_output(size_t k, const std::shared_ptr<TensorImpl>& impl) {
  outputs_[k].impl = impl;
  outputs_[k].shape = impl->shape;
  outputs_[k].dtype = impl->dtype;
  outputs_[k].device = impl->storage ? impl->storage->device : kCPU;
}

std::vector<Tensor> Node::apply(std::vector<Tensor> grad_outputs) {
  if (!backward_)
    throw std::runtime_error(fmt::format(
        "backward through '{}' a second time: its saved values were freed after the first "
        "backward; pass retain_graph=true to the first call",
        name_));
  grad_outputs.resize(outputs_.size());
  for (size_t k = 0; k < outputs_.size(); ++k)
    if (!grad_outputs[k].defined())
      grad_outputs[k] = zeros(outputs_[k].shape, outputs_[k].dtype, outputs_[k].device);
  return backward_(grad_outputs);
}

void Node::release() { backward_ = nullptr; }

}  // namespace scidl::autograd
