#include "scidl/optim/adadelta.h"

#include "scidl/backend/backend.h"
#include "scidl/optim/option_checks.h"

namespace scidl::optim {

Adadelta::Adadelta(std::vector<Tensor> params, AdadeltaOptions o)
    : Optimizer(std::move(params)), options_(o) {
  check_positive("Adadelta", "lr", o.lr);
  check_in_unit_interval("Adadelta", "rho", o.rho);
  check_non_negative("Adadelta", "eps", o.eps);
  check_non_negative("Adadelta", "weight_decay", o.weight_decay);
  lr_ = o.lr;
  buffer("square_avg");
  buffer("acc_delta");
}

void Adadelta::update(const backend::FlatRange& part) {
  const backend::AdadeltaConfig c{.lr = lr_,
                                  .rho = options_.rho,
                                  .eps = options_.eps,
                                  .weight_decay = options_.weight_decay,
                                  .range = part};
  backend::backend_of(flat_params_)
      .adadelta_update(flat_params_, flat_grads_, buffer("square_avg"), buffer("acc_delta"), c);
}

}  // namespace scidl::optim
