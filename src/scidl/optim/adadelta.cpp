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
  backend::AdadeltaConfig c{lr_, options_.rho, options_.eps, options_.weight_decay, part};
  backend::backend_of(flat_params_)
      .adadelta_update(flat_params_, flat_grads_, buffer("square_avg"), buffer("acc_delta"), c);
}

}  // namespace scidl::optim
