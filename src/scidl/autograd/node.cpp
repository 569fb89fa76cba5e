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

Node::Node(const char* name, std::vector<Tensor> inputs, BackwardFn backward)
    : name_(name), inputs_(std::move(inputs)), backward_(std::move(backward)) {
  needs_grad_.reserve(inputs_.size());
  for (const auto& t : inputs_) needs_grad_.push_back(t.defined() && t.requires_grad());
}

std::vector<Tensor> Node::apply(const Tensor& grad_output) {
  if (!backward_)
    throw std::runtime_error(fmt::format(
        "backward through '{}' a second time: its saved values were freed after the first "
        "backward; pass retain_graph=true to the first call",
        name_));
  return backward_(grad_output);
}

void Node::release() { backward_ = nullptr; }

}  // namespace scidl::autograd
