// A node of the autograd graph: the operation that made a tensor, the inputs it read, and the
// rule that turns the gradient of its output into gradients of its inputs. Every operation has
// exactly one output, so a node's identity is its output's identity.
#pragma once
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "scidl/tensor/tensor.h"

namespace scidl::autograd {

class Node {
 public:
  // Returns one gradient per input (undefined where the input needs none).
  using BackwardFn = std::function<std::vector<Tensor>(const Tensor& grad_output)>;

  Node(const char* name, std::vector<Tensor> inputs, BackwardFn backward);
  const char* name() const { return name_; }
  const std::vector<Tensor>& inputs() const { return inputs_; }
  bool needs_input_grad(size_t i) const { return needs_grad_[i]; }
  std::vector<Tensor> apply(const Tensor& grad_output);
  void release();  // frees saved tensors once a backward pass is done with them
  std::weak_ptr<TensorImpl> output;  // for retain_grad()

 private:
  const char* name_;
  std::vector<Tensor> inputs_;
  std::vector<bool> needs_grad_;
  BackwardFn backward_;
};

}  // namespace scidl::autograd
