// Integrated gradients (Sundararajan et al. 2017), as Captum computes them:
//   IG(x) = (x - x') * sum_k w_k dF/dx(x' + alpha_k (x - x'))
// with the points and weights of integration_rule.h, and the convergence delta per example,
//   delta = sum over features of IG(x) - (F(x) - F(x')),
// which completeness says is zero for an exact integral (raise n_steps until it is small).
// The n_steps x N path points run as batched forward/backward passes of at most
// internal_batch_size rows (all of them in one pass by default, as Captum does).
// Contract: see target_gradient.h; attributions have x's shape, delta is [N]; bad options
// (n_steps, baseline shape, target) throw ExplainError before any pass runs.
#pragma once
#include "scidl/explain/baseline.h"
#include "scidl/explain/integration_rule.h"
#include "scidl/explain/target_gradient.h"

namespace scidl::explain {

struct IntegratedGradientsOptions {
  int n_steps = 50;
  IntegrationRule rule = IntegrationRule::GaussLegendre;
  Baseline baseline = Baseline::zero();
  int64_t internal_batch_size = 0;  // path points per pass; 0: all n_steps x N in one pass
  bool multiply_by_inputs = true;   // false: the path-averaged gradient alone (Captum's option)
};

struct Attribution {
  Tensor attributions;       // like x
  Tensor convergence_delta;  // [N], float64
};

Attribution integrated_gradients(nn::Module& model, const Tensor& x, const Target& target = {},
                                 const IntegratedGradientsOptions& options = {});

// sum over features of attributions[n] - (F(x[n]) - F(baseline[n])), as float64 [N].
Tensor convergence_delta(nn::Module& model, const Tensor& attributions, const Tensor& x,
                         const Tensor& baseline, const Target& target);

}  // namespace scidl::explain
