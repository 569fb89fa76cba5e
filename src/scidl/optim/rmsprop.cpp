#include "scidl/optim/rmsprop.h"

#include "scidl/backend/backend.h"
#include "scidl/optim/option_checks.h"

namespace scidl::optim {

RMSprop::RMSprop(std::vector<Tensor> params, RmspropOptions o)
    : Optimizer(std::move(params)), options_(o) {
  check_positive("RMSprop", "lr", o.lr);
  check_in_unit_interval("RMSprop", "alpha", o.alpha);
  check_non_negative("RMSprop", "eps", o.eps);
  check_non_negative("RMSprop", "weight_decay", o.weight_decay);
  check_non_negative("RMSprop", "momentum", o.momentum);
  lr_ = o.lr;
  buffer("square_avg");
  if (o.centered) buffer("grad_avg");
  if (o.momentum > 0) buffer("momentum_buffer");
}

void RMSprop::update(const backend::FlatRange& part) {
  const backend::RmspropConfig c{.lr = lr_,
                                 .alpha = options_.alpha,
                                 .eps = options_.eps,
                                 .weight_decay = options_.weight_decay,
                                 .momentum = options_.momentum,
                                 .centered = options_.centered,
                                 .range = part};
  Tensor grad_avg = options_.centered ? buffer("grad_avg") : Tensor();
  Tensor momentum = options_.momentum > 0 ? buffer("momentum_buffer") : Tensor();
  backend::backend_of(flat_params_)
      .rmsprop_update(flat_params_, flat_grads_, buffer("square_avg"), grad_avg, momentum, c);
}

}  // namespace scidl::optim
