// A node of the autograd graph: the operation that made one or more tensors, the inputs it read,
// and the rule that turns the gradients of its outputs into gradients of its inputs. An output
// tensor knows its node (grad_fn) and which output it is (output_nr); an LSTM cell's h and c, or
// the pieces of a split, are outputs of one node.
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
  // One gradient per output, each defined: an output no gradient reached gets zeros, so a
  // backward through any subset of the outputs works without special cases in the rule.
  using MultiBackwardFn =
      std::function<std::vector<Tensor>(const std::vector<Tensor>& grad_outputs)>;

  Node(const char* name, std::vector<Tensor> inputs, BackwardFn backward);
  Node(const char* name, std::vector<Tensor> inputs, const std::vector<Tensor>& outputs,
       MultiBackwardFn backward);
  const char* name() const { return name_; }
  const std::vector<Tensor>& inputs() const { return inputs_; }
  bool needs_input_grad(size_t i) const { return needs_grad_[i]; }
  size_t num_outputs() const { return outputs_.size(); }
  // grad_outputs[k] is undefined where no gradient reached output k.
  std::vector<Tensor> apply(std::vector<Tensor> grad_outputs);
  void release();  // frees saved tensors once a backward pass is done with them
  // Output k's tensor while it is alive (for retain_grad()).
  std::shared_ptr<TensorImpl> output(size_t k) const { return outputs_[k].impl.lock(); }
  void set_output(size_t k, const std::shared_ptr<TensorImpl>& impl);

 private:
  struct Output {
    std::weak_ptr<TensorImpl> impl;
    Shape shape;
    DType dtype = DType::Float32;
    Device device = kCPU;
  };
  const char* name_;
  std::vector<Tensor> inputs_;
  std::vector<bool> needs_grad_;
  std::vector<Output> outputs_;
  MultiBackwardFn backward_;
};

}  // namespace scidl::autograd
