#include "scidl/optim/adagrad.h"

#include "scidl/backend/backend.h"
#include "scidl/optim/option_checks.h"

namespace scidl::optim {

Adagrad::Adagrad(std::vector<Tensor> params, AdagradOptions o)
    : Optimizer(std::move(params)), options_(o) {
  check_positive("Adagrad", "lr", o.lr);
  check_non_negative("Adagrad", "lr_decay", o.lr_decay);
  check_non_negative("Adagrad", "weight_decay", o.weight_decay);
  check_non_negative("Adagrad", "initial_accumulator_value", o.initial_accumulator_value);
  check_non_negative("Adagrad", "eps", o.eps);
  lr_ = o.lr;
  buffer("sum").fill_(o.initial_accumulator_value);
}

void Adagrad::update(const backend::FlatRange& part) {
  const backend::AdagradConfig c{.lr = lr_,
                                 .lr_decay = options_.lr_decay,
                                 .eps = options_.eps,
                                 .weight_decay = options_.weight_decay,
                                 .step = steps_ + 1,
                                 .range = part};
  backend::backend_of(flat_params_).adagrad_update(flat_params_, flat_grads_, buffer("sum"), c);
}

}  // namespace scidl::optim
