#include "scidl/optim/factory.h"

#include <fmt/format.h>

#include "scidl/optim/adam.h"
#include "scidl/optim/sgd.h"

namespace scidl::optim {

const std::vector<std::string>& optimizer_names() {
  static const std::vector<std::string> names{"sgd", "adam", "adamw"};
  return names;
}

std::unique_ptr<Optimizer> make_optimizer(const OptimizerSpec& s, std::vector<Tensor> params) {
  if (s.lr <= 0) throw std::invalid_argument(fmt::format("optimizer: lr must be positive, got {}", s.lr));
  if (s.type == "sgd")
    return std::make_unique<SGD>(std::move(params),
                                 SgdOptions{s.lr, s.momentum, s.dampening, s.weight_decay, s.nesterov});
  if (s.type == "adam" || s.type == "adamw")
    return std::make_unique<Adam>(std::move(params),
                                  AdamOptions{s.lr, s.beta1, s.beta2, s.eps, s.weight_decay,
                                              s.type == "adamw"});
  throw std::invalid_argument(fmt::format("unknown optimizer '{}'; choose one of {}", s.type,
                                          fmt::join(optimizer_names(), ", ")));
}

}  // namespace scidl::optim
