#include "scidl/autograd/engine.h"

#include <fmt/format.h>

#include <algorithm>
#include <unordered_map>

#include "scidl/autograd/grad_mode.h"
#include "scidl/backend/backend.h"

namespace scidl::autograd {

namespace {

void accumulate_into(Tensor& slot, const Tensor& g) {
  if (!slot.defined()) {
    slot = g;
    return;
  }
  // slot may alias another gradient (ops pass gradients through), so never add in place here.
  Tensor sum = empty_like(slot);
  backend::backend_of(slot).binary(backend::BinaryOp::Add, slot, g, sum, 0, 0);
  slot = sum;
}

void accumulate_leaf(const Tensor& leaf, const Tensor& g) {
  Tensor existing = leaf.grad();
  if (!existing.defined()) {
    leaf.set_grad(g.clone());  // own copy: g may be shared with other gradients
  } else {
    // In place: parameters keep their gradients in one flat buffer the optimizer reads.
    backend::backend_of(existing).binary(backend::BinaryOp::Add, existing, g, existing, 0, 0);
  }
}

thread_local const LeafGradientReady::Fn* leaf_ready_fn = nullptr;

struct Capture {
  std::unordered_map<const TensorImpl*, Tensor>* leaves = nullptr;  // leaf impl -> gradient
};

void check_seed(const Tensor& out, const Tensor& seed) {
  if (seed.shape() != out.shape())
    throw std::invalid_argument(
        fmt::format("backward: seed gradient of shape {} for an output of shape {}",
                    shape_str(seed.shape()), shape_str(out.shape())));
}

// The gradient slots of a node's outputs, one per output.
using OutputGrads = std::vector<Tensor>;

Tensor& slot_of(std::unordered_map<Node*, OutputGrads>& grads, const Tensor& t) {
  Node* node = t.grad_fn().get();
  auto& slots = grads[node];
  if (slots.empty()) slots.resize(node->num_outputs());
  return slots[t.output_nr()];
}

// Runs the graph below `outputs`. Returns the gradients reaching each node's outputs.
std::unordered_map<Node*, OutputGrads> run_backward(const std::vector<Tensor>& outputs,
                                                    const std::vector<Tensor>& seeds,
                                                    bool retain_graph, const Capture& capture) {
  NoGradGuard no_grad;  // gradient computations are not themselves recorded
  std::unordered_map<Node*, int> dependencies;
  std::vector<Node*> stack;
  std::unordered_map<Node*, std::shared_ptr<Node>> keep_alive;
  for (const auto& out : outputs)
    if (auto& fn = out.grad_fn(); fn && !keep_alive.count(fn.get())) {
      keep_alive[fn.get()] = fn;
      stack.push_back(fn.get());
    }
  // Count how many consumers each node has, visiting each node once: a root may also lie below
  // another root (backward({y, h}) with h used to compute y), and its inputs count once.
  // With a LeafGradientReady hook, how many nodes still owe each leaf a gradient.
  const LeafGradientReady::Fn* leaf_ready = capture.leaves ? nullptr : leaf_ready_fn;
  std::unordered_map<const TensorImpl*, int> leaf_pending;
  while (!stack.empty()) {
    Node* node = stack.back();
    stack.pop_back();
    for (size_t i = 0; i < node->inputs().size(); ++i) {
      if (!node->needs_input_grad(i)) continue;
      const auto& child = node->inputs()[i].grad_fn();
      if (!child) {
        if (leaf_ready) ++leaf_pending[node->inputs()[i].impl()];
        continue;
      }
      ++dependencies[child.get()];
      if (keep_alive.emplace(child.get(), child).second) stack.push_back(child.get());
    }
  }
  std::unordered_map<Node*, OutputGrads> grads;
  std::vector<Node*> ready;
  for (size_t k = 0; k < outputs.size(); ++k) {
    const Tensor& out = outputs[k];
    check_seed(out, seeds[k]);
    if (out.grad_fn()) {
      accumulate_into(slot_of(grads, out), seeds[k]);
    } else if (out.requires_grad()) {
      if (capture.leaves && capture.leaves->count(out.impl()))
        accumulate_into((*capture.leaves)[out.impl()], seeds[k]);
      else if (!capture.leaves)
        accumulate_leaf(out, seeds[k]);
    }
  }
  // Roots in the order given (listed twice counts once), so runs are bit-reproducible.
  for (const auto& out : outputs)
    if (auto& fn = out.grad_fn(); fn && dependencies[fn.get()] == 0 &&
                                  std::find(ready.begin(), ready.end(), fn.get()) == ready.end())
      ready.push_back(fn.get());

  std::unordered_map<Node*, OutputGrads> done;
  while (!ready.empty()) {
    Node* node = ready.back();
    ready.pop_back();
    OutputGrads g = std::move(grads[node]);
    grads.erase(node);
    g.resize(node->num_outputs());
    if (!capture.leaves)
      for (size_t k = 0; k < g.size(); ++k)
        if (auto out = node->output(k); out && out->retains_grad && g[k].defined()) {
          Tensor o(out);
          accumulate_leaf(o, g[k]);
        }
    std::vector<Tensor> input_grads = node->apply(g);
    done[node] = std::move(g);
    for (size_t i = 0; i < node->inputs().size(); ++i) {
      if (!node->needs_input_grad(i)) continue;
      const Tensor& input = node->inputs()[i];
      const bool defined = i < input_grads.size() && input_grads[i].defined();
      const Tensor& gi = defined ? input_grads[i] : input;
      if (defined && gi.shape() != input.shape())
        throw std::logic_error(
            fmt::format("backward of '{}' produced a gradient of shape {} for an input of shape {}",
                        node->name(), shape_str(gi.shape()), shape_str(input.shape())));
      if (!input.grad_fn() && leaf_ready) {
        if (defined) accumulate_leaf(input, gi);
        if (--leaf_pending[input.impl()] == 0) (*leaf_ready)(input);
        continue;
      }
      if (!defined) continue;
      if (const auto& child = input.grad_fn()) {
        accumulate_into(slot_of(grads, input), gi);
        if (--dependencies[child.get()] == 0) ready.push_back(child.get());
      } else if (capture.leaves) {
        if (auto it = capture.leaves->find(input.impl()); it != capture.leaves->end())
          accumulate_into(it->second, gi);
      } else {
        accumulate_leaf(input, gi);
      }
    }
    if (!retain_graph) node->release();
  }
  return done;
}

std::vector<Tensor> default_seeds(const std::vector<Tensor>& outputs) {
  std::vector<Tensor> seeds;
  for (const auto& out : outputs) {
    if (out.numel() != 1)
      throw std::invalid_argument(fmt::format(
          "backward() without a seed gradient needs a scalar output, got shape {}; pass a seed "
          "of the output's shape",
          shape_str(out.shape())));
    seeds.push_back(ones(out.shape(), out.dtype(), out.device()));
  }
  return seeds;
}

}  // namespace

LeafGradientReady::LeafGradientReady(Fn fn) : fn_(std::move(fn)), previous_(leaf_ready_fn) {
  leaf_ready_fn = &fn_;
}

LeafGradientReady::~LeafGradientReady() { leaf_ready_fn = previous_; }

void backward(const std::vector<Tensor>& outputs, const std::vector<Tensor>& seeds_in,
              bool retain_graph) {
  for (const auto& out : outputs)
    if (!out.requires_grad())
      throw std::invalid_argument(
          "backward: the output does not require gradients (no input that requires grad "
          "reached it, or it was computed under NoGradGuard)");
  auto seeds = seeds_in.empty() ? default_seeds(outputs) : seeds_in;
  run_backward(outputs, seeds, retain_graph, Capture{});
}

std::vector<Tensor> grad(const std::vector<Tensor>& outputs, const std::vector<Tensor>& inputs,
                         const std::vector<Tensor>& seeds_in, bool retain_graph,
                         bool allow_unused) {
  for (const auto& out : outputs)
    if (!out.requires_grad())
      throw std::invalid_argument(
          "grad: the output does not depend on any tensor that requires gradients");
  auto seeds = seeds_in.empty() ? default_seeds(outputs) : seeds_in;
  std::unordered_map<const TensorImpl*, Tensor> leaves;
  for (const auto& in : inputs)
    if (in.is_leaf()) leaves[in.impl()] = Tensor();
  auto done = run_backward(outputs, seeds, retain_graph, Capture{&leaves});
  std::vector<Tensor> result;
  for (const auto& in : inputs) {
    Tensor g;
    if (in.is_leaf()) {
      g = leaves[in.impl()];
    } else if (auto it = done.find(in.grad_fn().get()); it != done.end()) {
      g = it->second[in.output_nr()];
    }
    if (!g.defined()) {
      if (!allow_unused)
        throw std::invalid_argument(fmt::format(
            "grad: input {} is not connected to the output (no path from it to the output), or "
            "does not require gradients; pass allow_unused to get zeros",
            in.str()));
      g = zeros_like(in);
    }
    result.push_back(g);
  }
  return result;
}

Tensor record(const char* name, Tensor out, std::vector<Tensor> inputs, Node::BackwardFn fn) {
  if (!grad_mode_enabled()) return out;
  bool any = false;
  for (const auto& t : inputs) any = any || (t.defined() && t.requires_grad());
  if (!any) return out;
  auto node = std::make_shared<Node>(name, std::move(inputs), std::move(fn));
  node->set_output(0, out.impl_ptr());
  out.impl()->grad_fn = node;
  out.impl()->output_nr = 0;
  out.impl()->requires_grad = true;
  return out;
}

std::vector<Tensor> record(const char* name, std::vector<Tensor> outs, std::vector<Tensor> inputs,
                           Node::MultiBackwardFn fn) {
  if (!grad_mode_enabled()) return outs;
  bool any = false;
  for (const auto& t : inputs) any = any || (t.defined() && t.requires_grad());
  if (!any) return outs;
  auto node = std::make_shared<Node>(name, std::move(inputs), outs, std::move(fn));
  for (size_t k = 0; k < outs.size(); ++k) {
    outs[k].impl()->grad_fn = node;
    outs[k].impl()->output_nr = static_cast<uint32_t>(k);
    outs[k].impl()->requires_grad = true;
  }
  return outs;
}

}  // namespace scidl::autograd

namespace scidl {
void Tensor::backward(const Tensor& seed, bool retain_graph) const {
  autograd::backward({*this}, seed.defined() ? std::vector<Tensor>{seed} : std::vector<Tensor>{},
                     retain_graph);
}
}  // namespace scidl
