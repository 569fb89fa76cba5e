// Gradient-based attributions that need one forward and one backward pass per batch:
//   saliency            |dF/dx| (Captum's Saliency, abs=True), or the signed gradient
//   input_x_gradient    x * dF/dx (Captum's InputXGradient)
// where F is output[n, target_n]. Contract: see target_gradient.h; results have x's shape.
#pragma once
#include "scidl/explain/target_gradient.h"

namespace scidl::explain {

struct SaliencyOptions {
  bool absolute = true;  // |gradient| (Captum's default); false keeps the sign
};

Tensor saliency(nn::Module& model, const Tensor& x, const Target& target = {},
                const SaliencyOptions& options = {});
Tensor input_x_gradient(nn::Module& model, const Tensor& x, const Target& target = {});

}  // namespace scidl::explain
