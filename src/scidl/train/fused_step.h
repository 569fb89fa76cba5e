// A whole training step in one pass: zero_grad(), the forward, the loss, backward() and the
// optimizer's step, when the model is one chain of dense layers, the loss MAE or MSE and the
// optimizer holds exactly the chain's parameters. The gradients are written straight into the
// optimizer's flat gradient buffer (no zero fill, no accumulation, no autograd node), and the
// pass's threads then update the rows whose gradients they computed, still in their caches,
// without another parallel region. At batch 64 the zero fill, the accumulation and the
// optimizer's own pass cost a fifth of a step of the three-body network (bench/RESULTS.md,
// thirteenth session).
//
// The same arithmetic as the separate calls, element for element, so the parameters, the
// optimizer's state and the gradients it leaves agree with them to float32 rounding (the
// fused pass's gradients, not the composed ops'). Like the trainer's separate steps, a step
// whose loss is not finite changes no parameter and counts no step.
#pragma once
#include <optional>

#include "scidl/nn/module.h"
#include "scidl/ops/linalg.h"
#include "scidl/optim/optimizer.h"

namespace scidl::train {

struct FusedStep {
  Tensor prediction;  // for metrics; not part of any graph
  double loss;        // the mean loss
  bool updated;       // false when the loss was not finite: no parameter changed
};

// The step, or nothing (touching nothing) when the model, loss and optimizer do not fuse: a
// model that is not one dense chain for x (nn::whole_dense_chain), parameters of the chain
// missing from the optimizer or the optimizer holding others, a parameter not requiring a
// gradient, gradients recording off, or a backend without the fused kernels.
// With apply_update false the pass leaves the optimizer's flat gradients filled and changes no
// parameter (the caller steps, after averaging the gradients over data-parallel ranks).
std::optional<FusedStep> fused_training_step(nn::Module& model, optim::Optimizer& optimizer,
                                             const Tensor& x, const Tensor& y, FusedLoss loss,
                                             bool apply_update = true);

}  // namespace scidl::train
