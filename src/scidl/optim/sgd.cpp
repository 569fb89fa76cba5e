#include "scidl/optim/sgd.h"

#include "scidl/backend/backend.h"

namespace scidl::optim {

SGD::SGD(std::vector<Tensor> params, SgdOptions o) : Optimizer(std::move(params)), options_(o) {
  if (o.nesterov && (o.momentum <= 0 || o.dampening != 0))
    throw std::invalid_argument("SGD: Nesterov momentum needs momentum > 0 and dampening = 0");
  lr_ = o.lr;
  if (o.momentum != 0) buffer("momentum");
}

void SGD::update(const backend::FlatRange& part) {
  const backend::SgdConfig c{.lr = lr_,
                             .momentum = options_.momentum,
                             .dampening = options_.dampening,
                             .weight_decay = options_.weight_decay,
                             .nesterov = options_.nesterov,
                             .first_step = steps_ == 0,
                             .range = part};
  Tensor mom = options_.momentum != 0 ? buffer("momentum") : Tensor();
  backend::backend_of(flat_params_).sgd_update(flat_params_, flat_grads_, mom, c);
}

}  // namespace scidl::optim
