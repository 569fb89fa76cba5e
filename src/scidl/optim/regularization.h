// Weight penalties and gradient clipping, applied between backward() and the optimizer step,
// each one fused pass over a contiguous gradient buffer (usually the optimizer's flat buffer).
// Penalties follow Keras: penalty = l1 * sum|w| + l2 * sum w^2 is added to the loss, so the
// gradient gains l1 * sign(w) + 2 * l2 * w (note 2*l2: PyTorch's weight_decay=wd equals l2=wd/2).
// Clipping follows torch.nn.utils: clip_grad_norm scales every gradient by
// min(1, max_norm / (total_norm + 1e-6)); clip_grad_value clamps each entry to [-v, v].
// Contract: tensors are contiguous; a parameter's gradient exists (call after backward()).
#pragma once
#include <nlohmann/json.hpp>
#include <vector>

#include "scidl/nn/module.h"
#include "scidl/optim/optimizer.h"
#include "scidl/tensor/tensor.h"

namespace scidl::optim {

struct Penalty {
  double l1 = 0.0, l2 = 0.0;
  bool active() const { return l1 != 0 || l2 != 0; }
};

// l1 * sum|w| + l2 * sum w^2 over all of `weights` (accumulated in double).
double penalty_value(const Tensor& weights, Penalty penalty);
// grads += l1 * sign(weights) + 2 * l2 * weights; same shapes.
void add_penalty_gradient(const Tensor& weights, const Tensor& grads, Penalty penalty);

// Penalties on chosen tensors (Keras kernel_regularizer / bias_regularizer) and on everything.
class Regularization {
 public:
  // Penalises every parameter the optimizer holds, in one pass over its flat buffers.
  void set_global(const Optimizer& optimizer, Penalty penalty);
  // Penalises one parameter (a layer's weight); it keeps its own penalty beside the global one.
  void add(const Tensor& parameter, Penalty penalty);
  bool empty() const { return terms_.empty(); }
  // The total penalty for the current weights: add it to the reported loss, as Keras does.
  double value() const;
  // Adds every penalty's gradient to the parameters' .grad (after backward, before the step).
  void add_gradients() const;

 private:
  struct Term {
    Tensor parameter;
    Tensor gradient;  // undefined: the parameter's .grad at the time of use
    Penalty penalty;
  };
  std::vector<Term> terms_;
};

// The per-layer penalties a model spec asks for: a dense layer may carry
// "kernel_regularizer": {"l1": a, "l2": b} and "bias_regularizer": {...} (Keras names); the
// k-th dense layer of the spec (repeats expanded) is the k-th Linear in `model`.
Regularization regularization_from_spec(const nlohmann::json& model_spec, const nn::Module& model);
// {"l1": a, "l2": b}, either key optional; `where` names the spot for error messages.
Penalty penalty_from_json(const nlohmann::json& j, const std::string& where);

// Scales `grads` in place so its Euclidean norm is at most max_norm; returns the norm before.
double clip_grad_norm(const Tensor& grads, double max_norm);
// Clamps every entry of `grads` to [-clip_value, clip_value] in place.
void clip_grad_value(const Tensor& grads, double clip_value);

}  // namespace scidl::optim
