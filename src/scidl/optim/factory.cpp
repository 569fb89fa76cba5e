#include "scidl/optim/factory.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <map>

#include "scidl/optim/adadelta.h"
#include "scidl/optim/adagrad.h"
#include "scidl/optim/adam.h"
#include "scidl/optim/rmsprop.h"
#include "scidl/optim/sgd.h"

namespace scidl::optim {

namespace {

void check_type(const std::string& type) {
  const auto& names = optimizer_names();
  if (std::find(names.begin(), names.end(), type) == names.end())
    throw std::invalid_argument(
        fmt::format("unknown optimizer '{}'; choose one of {}", type, fmt::join(names, ", ")));
}

}  // namespace

const std::vector<std::string>& optimizer_names() {
  static const std::vector<std::string> names{"sgd",     "adam",     "adamw",
                                              "adagrad", "adadelta", "rmsprop"};
  return names;
}

const std::vector<std::string>& optimizer_options(const std::string& type) {
  static const std::map<std::string, std::vector<std::string>> options{
      {"sgd", {"lr", "momentum", "dampening", "nesterov", "weight_decay"}},
      {"adam", {"lr", "betas", "eps", "weight_decay"}},
      {"adamw", {"lr", "betas", "eps", "weight_decay"}},
      {"adagrad", {"lr", "lr_decay", "weight_decay", "initial_accumulator_value", "eps"}},
      {"adadelta", {"lr", "rho", "eps", "weight_decay"}},
      {"rmsprop", {"lr", "alpha", "eps", "weight_decay", "momentum", "centered"}},
  };
  check_type(type);
  return options.at(type);
}

OptimizerSpec default_optimizer_spec(const std::string& type) {
  check_type(type);
  OptimizerSpec s;
  s.type = type;
  if (type == "sgd") s.lr = 0.01;
  if (type == "adamw") s.weight_decay = 1e-2;
  if (type == "adagrad") s.lr = 0.01, s.eps = 1e-10;
  if (type == "adadelta") s.lr = 1.0, s.eps = 1e-6;
  if (type == "rmsprop") s.lr = 0.01;
  return s;
}

std::unique_ptr<Optimizer> make_optimizer(const OptimizerSpec& s, std::vector<Tensor> params) {
  check_type(s.type);
  if (!(s.lr > 0))
    throw std::invalid_argument(fmt::format("optimizer: lr must be positive, got {}", s.lr));
  if (s.type == "sgd")
    return std::make_unique<SGD>(
        std::move(params), SgdOptions{s.lr, s.momentum, s.dampening, s.weight_decay, s.nesterov});
  if (s.type == "adam" || s.type == "adamw")
    return std::make_unique<Adam>(
        std::move(params),
        AdamOptions{s.lr, s.beta1, s.beta2, s.eps, s.weight_decay, s.type == "adamw"});
  if (s.type == "adagrad")
    return std::make_unique<Adagrad>(
        std::move(params),
        AdagradOptions{s.lr, s.lr_decay, s.weight_decay, s.initial_accumulator_value, s.eps});
  if (s.type == "adadelta")
    return std::make_unique<Adadelta>(std::move(params),
                                      AdadeltaOptions{s.lr, s.rho, s.eps, s.weight_decay});
  return std::make_unique<RMSprop>(
      std::move(params),
      RmspropOptions{s.lr, s.alpha, s.eps, s.weight_decay, s.momentum, s.centered});
}

OptimizerSpec optimizer_spec_from_json(const nlohmann::json& j) {
  if (!j.is_object() || !j.contains("type") || !j["type"].is_string())
    throw std::invalid_argument(
        fmt::format("optimizer: expected an object with a string 'type' (one of {})",
                    fmt::join(optimizer_names(), ", ")));
  OptimizerSpec s = default_optimizer_spec(j["type"].get<std::string>());
  const auto& allowed = optimizer_options(s.type);
  for (const auto& [key, value] : j.items()) {
    if (key == "type") continue;
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end())
      throw std::invalid_argument(
          fmt::format("optimizer: '{}' has no option '{}'; its options are {}", s.type, key,
                      fmt::join(allowed, ", ")));
    const bool flag = key == "nesterov" || key == "centered";
    if (key == "betas") {
      if (!value.is_array() || value.size() != 2 || !value[0].is_number() || !value[1].is_number())
        throw std::invalid_argument("optimizer.betas: must hold two numbers, e.g. [0.9, 0.999]");
      s.beta1 = value[0].get<double>();
      s.beta2 = value[1].get<double>();
      continue;
    }
    if (flag ? !value.is_boolean() : !value.is_number())
      throw std::invalid_argument(fmt::format("optimizer.{}: expected a {}, got {}", key,
                                              flag ? "boolean" : "number", value.dump()));
    if (key == "nesterov")
      s.nesterov = value.get<bool>();
    else if (key == "centered")
      s.centered = value.get<bool>();
    else if (key == "lr")
      s.lr = value.get<double>();
    else if (key == "momentum")
      s.momentum = value.get<double>();
    else if (key == "dampening")
      s.dampening = value.get<double>();
    else if (key == "eps")
      s.eps = value.get<double>();
    else if (key == "weight_decay")
      s.weight_decay = value.get<double>();
    else if (key == "lr_decay")
      s.lr_decay = value.get<double>();
    else if (key == "initial_accumulator_value")
      s.initial_accumulator_value = value.get<double>();
    else if (key == "rho")
      s.rho = value.get<double>();
    else if (key == "alpha")
      s.alpha = value.get<double>();
  }
  return s;
}

nlohmann::json to_json(const OptimizerSpec& s) {
  const std::map<std::string, nlohmann::json> all{
      {"lr", s.lr},
      {"momentum", s.momentum},
      {"dampening", s.dampening},
      {"nesterov", s.nesterov},
      {"betas", {s.beta1, s.beta2}},
      {"eps", s.eps},
      {"weight_decay", s.weight_decay},
      {"lr_decay", s.lr_decay},
      {"initial_accumulator_value", s.initial_accumulator_value},
      {"rho", s.rho},
      {"alpha", s.alpha},
      {"centered", s.centered}};
  nlohmann::json j{{"type", s.type}};
  for (const auto& key : optimizer_options(s.type)) j[key] = all.at(key);
  return j;
}

}  // namespace scidl::optim
