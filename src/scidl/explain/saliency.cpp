#include "scidl/explain/saliency.h"

#include "scidl/autograd/grad_mode.h"
#include "scidl/ops/elementwise.h"

namespace scidl::explain {

Tensor saliency(nn::Module& model, const Tensor& x, const Target& target,
                const SaliencyOptions& options) {
  Tensor gradient = target_gradient(model, x, target).gradient;
  if (!options.absolute) return gradient;
  NoGradGuard no_grad;
  return abs(gradient);
}

Tensor input_x_gradient(nn::Module& model, const Tensor& x, const Target& target) {
  Tensor gradient = target_gradient(model, x, target).gradient;
  NoGradGuard no_grad;
  return mul(x.detach(), gradient);
}

}  // namespace scidl::explain
