#include "scidl/optim/adam.h"

#include "scidl/backend/backend.h"

namespace scidl::optim {

Adam::Adam(std::vector<Tensor> params, AdamOptions o) : Optimizer(std::move(params)), options_(o) {
  lr_ = o.lr;
  buffer("exp_avg");
  buffer("exp_avg_sq");
}

void Adam::update(const backend::FlatRange& part) {
  const backend::AdamConfig c{.lr = lr_,
                              .beta1 = options_.beta1,
                              .beta2 = options_.beta2,
                              .eps = options_.eps,
                              .weight_decay = options_.weight_decay,
                              .decoupled = options_.decoupled_weight_decay,
                              .step = steps_ + 1,
                              .range = part};
  backend::backend_of(flat_params_)
      .adam_update(flat_params_, flat_grads_, buffer("exp_avg"), buffer("exp_avg_sq"), c);
}

}  // namespace scidl::optim
