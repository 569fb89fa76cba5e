#include "scidl/optim/adam.h"

#include "scidl/backend/backend.h"

namespace scidl::optim {

Adam::Adam(std::vector<Tensor> params, AdamOptions o) : Optimizer(std::move(params)), options_(o) {
  lr_ = o.lr;
  buffer("exp_avg");
  buffer("exp_avg_sq");
}

void Adam::update(const backend::FlatRange& part) {
  backend::AdamConfig c{lr_,
                        options_.beta1,
                        options_.beta2,
                        options_.eps,
                        options_.weight_decay,
                        options_.decoupled_weight_decay,
                        steps_ + 1,
                        part};
  backend::backend_of(flat_params_)
      .adam_update(flat_params_, flat_grads_, buffer("exp_avg"), buffer("exp_avg_sq"), c);
}

}  // namespace scidl::optim
