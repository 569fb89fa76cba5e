// Optimizers by name, as configs spell them: sgd, adam, adamw, adagrad, adadelta, rmsprop.
// An OptimizerSpec holds every option of every optimizer; each type reads only its own (listed
// by optimizer_options). default_optimizer_spec(type) gives PyTorch's defaults for that type
// (lr and eps differ between optimizers), so a config should start from it and then override.
// Contract: make_optimizer validates ranges and throws std::invalid_argument naming the option.
#pragma once
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "scidl/optim/optimizer.h"

namespace scidl::optim {

struct OptimizerSpec {
  std::string type = "adam";
  double lr = 1e-3;
  double momentum = 0.0, dampening = 0.0;  // sgd; rmsprop reads momentum too
  bool nesterov = false;                   // sgd
  double beta1 = 0.9, beta2 = 0.999;       // adam, adamw
  double eps = 1e-8;  // PyTorch's default for Adam/RMSprop; Adagrad's is 1e-10, Adadelta's 1e-6
  double weight_decay = 0.0;
  double lr_decay = 0.0, initial_accumulator_value = 0.0;  // adagrad
  double rho = 0.9;                                        // adadelta
  double alpha = 0.99;                                     // rmsprop (Keras calls it rho)
  bool centered = false;                                   // rmsprop
};

std::unique_ptr<Optimizer> make_optimizer(const OptimizerSpec& spec, std::vector<Tensor> params);
const std::vector<std::string>& optimizer_names();

// PyTorch's defaults for `type` (throws listing the names when it is unknown).
OptimizerSpec default_optimizer_spec(const std::string& type);
// The option keys `type` reads, besides "type" itself: e.g. adagrad -> lr, lr_decay, eps, ...
const std::vector<std::string>& optimizer_options(const std::string& type);

// JSON with "type" and any of that type's options (betas as [beta1, beta2]); missing options
// take default_optimizer_spec(type). Unknown keys are errors that list the valid ones.
OptimizerSpec optimizer_spec_from_json(const nlohmann::json& j);
// The type and exactly the options it reads; optimizer_spec_from_json reads it back unchanged.
nlohmann::json to_json(const OptimizerSpec& spec);

}  // namespace scidl::optim
