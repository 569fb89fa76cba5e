// The backward pass. backward() accumulates into the .grad of leaves that require gradients
// (gradient accumulation across calls, as in PyTorch); grad() returns gradients of outputs
// with respect to any tensors (inputs included) without touching anyone's .grad, which is what
// explanation methods call again and again.
#pragma once
#include <functional>
#include <vector>

#include "scidl/autograd/node.h"
#include "scidl/tensor/tensor.h"

namespace scidl::autograd {

void backward(const std::vector<Tensor>& outputs, const std::vector<Tensor>& seeds,
              bool retain_graph = false);

// d(sum_i <outputs_i, seeds_i>)/d(inputs). Inputs with no path from the outputs get an error
// unless allow_unused, in which case their gradient is returned as zeros.
std::vector<Tensor> grad(const std::vector<Tensor>& outputs, const std::vector<Tensor>& inputs,
                         const std::vector<Tensor>& seeds = {}, bool retain_graph = false,
                         bool allow_unused = false);

// While one is alive on a thread, backward() on that thread calls it once for each leaf whose
// gradient the pass has finished accumulating, as soon as the last contribution is added (the
// rest of the graph may still be running): PyTorch's post-accumulate-grad hooks, on which its
// DDP starts a bucket's all-reduce while backward goes on. A leaf the pass reaches through a
// node that produces no gradient for it is still reported, unchanged. grad() reports nothing.
class LeafGradientReady {
 public:
  using Fn = std::function<void(const Tensor& leaf)>;
  explicit LeafGradientReady(Fn fn);
  ~LeafGradientReady();
  LeafGradientReady(const LeafGradientReady&) = delete;
  LeafGradientReady& operator=(const LeafGradientReady&) = delete;

 private:
  Fn fn_;
  const Fn* previous_;  // the hook this one hides while it lives
};

// Records `fn` as the backward of `out` when grad mode is on and any input requires grad.
Tensor record(const char* name, Tensor out, std::vector<Tensor> inputs, Node::BackwardFn fn);
// The same for an operation with several outputs (each a distinct new tensor): one node, whose
// rule gets one gradient per output (zeros where none reached it).
std::vector<Tensor> record(const char* name, std::vector<Tensor> outs, std::vector<Tensor> inputs,
                           Node::MultiBackwardFn fn);

}  // namespace scidl::autograd
