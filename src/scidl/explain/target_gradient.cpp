#include "scidl/explain/target_gradient.h"

#include <fmt/format.h>

#include "scidl/autograd/engine.h"
#include "scidl/autograd/grad_mode.h"
#include "scidl/ops/shape_ops.h"

namespace scidl::explain {

namespace {

// Grad mode on for a scope, whatever the caller had (explaining inside NoGradGuard still works).
class GradModeOn {
 public:
  GradModeOn() : previous_(grad_mode_enabled()) { set_grad_mode(true); }
  ~GradModeOn() { set_grad_mode(previous_); }
  GradModeOn(const GradModeOn&) = delete;
  GradModeOn& operator=(const GradModeOn&) = delete;

 private:
  bool previous_;
};

void check_input(const nn::Module& model, const Tensor& x) {
  if (!x.defined() || x.dim() < 1 || x.shape()[0] < 1)
    throw ExplainError(
        "explain: the input must be a batch [N, ...] with at least one example, got " +
        (x.defined() ? x.str() : std::string("an undefined tensor")));
  if (!is_floating(x.dtype()))
    throw ExplainError("explain: the input must be floating point, got " + x.str());
  auto params = model.parameters();
  if (!params.empty() && params.front().dtype() != x.dtype())
    throw ExplainError(fmt::format(
        "explain: the input is {} but the model's parameters are {}; convert one of them "
        "(model.to(DType) or x.to(DType))",
        dtype_name(x.dtype()), dtype_name(params.front().dtype())));
}

// The model's output as [N, C] (a 1-D output is one column; trailing dims are flattened).
Tensor as_matrix(const Tensor& out, int64_t batch) {
  if (out.dim() < 1 || out.shape()[0] != batch)
    throw ExplainError(fmt::format(
        "explain: the model returned shape {} for a batch of {} examples; it must return [N] or "
        "[N, C]",
        shape_str(out.shape()), batch));
  return out.dim() == 1 ? reshape(out, {batch, 1}) : reshape(out, {batch, -1});
}

Tensor pick_targets(const Tensor& out2, const Target& target) {
  const int64_t n = out2.shape()[0], c = out2.shape()[1];
  Tensor picked = empty({n}, out2.dtype());
  Tensor src = out2.detach().contiguous();
  dispatch_float(out2.dtype(), [&]<typename T>() {
    const T* p = src.data<T>();
    T* q = picked.data<T>();
    for (int64_t i = 0; i < n; ++i) q[i] = p[i * c + target.column(i, n, c)];
  });
  return picked;
}

}  // namespace

int64_t Target::column(int64_t n, int64_t batch, int64_t outputs) const {
  if (indices_.empty()) {
    if (outputs != 1)
      throw ExplainError(fmt::format(
          "explain: the model has {} outputs; name the one to explain with a target index "
          "(0..{})",
          outputs, outputs - 1));
    return 0;
  }
  if (indices_.size() != 1 && static_cast<int64_t>(indices_.size()) != batch)
    throw ExplainError(fmt::format(
        "explain: {} per-example targets for a batch of {} examples; give one target for all "
        "or one per example",
        indices_.size(), batch));
  int64_t k = indices_.size() == 1 ? indices_[0] : indices_[n];
  if (k < 0 || k >= outputs)
    throw ExplainError(fmt::format(
        "explain: target index {} is out of range: the model has {} output{} (valid targets "
        "0..{})",
        k, outputs, outputs == 1 ? "" : "s", outputs - 1));
  return k;
}

Target Target::repeat_interleave(int64_t times) const {
  if (indices_.size() <= 1) return *this;
  std::vector<int64_t> out;
  out.reserve(indices_.size() * times);
  for (int64_t k : indices_)
    for (int64_t t = 0; t < times; ++t) out.push_back(k);
  return Target(std::move(out));
}

Target Target::for_rows(int64_t first, int64_t count, int64_t examples) const {
  if (indices_.size() <= 1) return *this;
  if (static_cast<int64_t>(indices_.size()) != examples)
    throw ExplainError(fmt::format(
        "explain: {} per-example targets for a batch of {} examples; give one target for all "
        "or one per example",
        indices_.size(), examples));
  std::vector<int64_t> out(count);
  for (int64_t r = 0; r < count; ++r) out[r] = indices_[(first + r) % examples];
  return Target(std::move(out));
}

std::string Target::str() const {
  if (indices_.empty()) return "the only output";
  if (indices_.size() == 1) return fmt::format("output {}", indices_[0]);
  return fmt::format("{} per-example outputs", indices_.size());
}

FrozenParameters::FrozenParameters(const nn::Module& model) {
  for (auto& p : model.parameters())
    if (p.requires_grad()) {
      p.impl()->requires_grad = false;
      frozen_.push_back(p);
    }
}

FrozenParameters::~FrozenParameters() {
  for (auto& p : frozen_) p.impl()->requires_grad = true;
}

TargetGradient target_gradient(nn::Module& model, const Tensor& x, const Target& target) {
  check_input(model, x);
  GradModeOn grad_on;
  FrozenParameters frozen(model);
  Tensor leaf = x.detach();
  leaf.requires_grad_(true);
  const int64_t n = x.shape()[0];
  Tensor out = as_matrix(model.forward(leaf), n);
  const int64_t c = out.shape()[1];
  if (!out.requires_grad())
    throw ExplainError(
        "explain: the model's output does not depend on its input (no differentiable path from "
        "the input to the output); check that forward() uses its argument");
  std::vector<double> one_hot(static_cast<size_t>(n * c), 0.0);
  for (int64_t i = 0; i < n; ++i) one_hot[i * c + target.column(i, n, c)] = 1.0;
  Tensor seed = from_vector(one_hot, {n, c}, out.dtype());
  std::vector<Tensor> grads;
  try {
    grads = autograd::grad({out}, {leaf}, {seed});
  } catch (const std::invalid_argument& e) {
    throw ExplainError(fmt::format(
        "explain: no gradient reaches the input from {} (the model's output does not depend on "
        "its input; check that forward() uses its argument): {}",
        target.str(), e.what()));
  }
  return {pick_targets(out, target), grads[0]};
}

Tensor target_outputs(nn::Module& model, const Tensor& x, const Target& target) {
  check_input(model, x);
  NoGradGuard no_grad;
  Tensor out = as_matrix(model.forward(x), x.shape()[0]);
  return pick_targets(out, target);
}

}  // namespace scidl::explain
