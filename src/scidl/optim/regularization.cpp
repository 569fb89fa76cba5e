#include "scidl/optim/regularization.h"

#include <fmt/format.h>

#include <cmath>

#include "scidl/autograd/grad_mode.h"
#include "scidl/backend/backend.h"
#include "scidl/nn/linear.h"
#include "scidl/nn/model_spec.h"
#include "scidl/optim/option_checks.h"

namespace scidl::optim {

namespace {

void check_flat(const char* who, const Tensor& t, const char* what) {
  if (!t.defined())
    throw std::invalid_argument(fmt::format(
        "{}: the {} is undefined; call it after backward() has produced gradients", who, what));
  if (!t.is_contiguous())
    throw std::invalid_argument(fmt::format(
        "{}: the {} {} is not contiguous; pass the optimizer's flat buffer or a parameter it "
        "owns",
        who, what, t.str()));
  if (!is_floating(t.dtype()))
    throw std::invalid_argument(
        fmt::format("{}: the {} must be floating point, got {}", who, what, t.str()));
}

void check_penalty(const Penalty& p) {
  check_non_negative("penalty", "l1", p.l1);
  check_non_negative("penalty", "l2", p.l2);
}

}  // namespace

double penalty_value(const Tensor& weights, Penalty p) {
  check_flat("penalty_value", weights, "weight tensor");
  if (!p.active()) return 0.0;
  return backend::backend_of(weights).penalty(weights, p.l1, p.l2);
}

void add_penalty_gradient(const Tensor& weights, const Tensor& grads, Penalty p) {
  check_flat("add_penalty_gradient", weights, "weight tensor");
  check_flat("add_penalty_gradient", grads, "gradient");
  if (weights.shape() != grads.shape() || weights.dtype() != grads.dtype())
    throw std::invalid_argument(
        fmt::format("add_penalty_gradient: weights {} and gradients {} differ in shape or dtype",
                    weights.str(), grads.str()));
  if (!p.active()) return;
  backend::backend_of(weights).add_penalty_gradient(weights, grads, p.l1, p.l2);
}

void Regularization::set_global(const Optimizer& optimizer, Penalty p) {
  check_penalty(p);
  if (p.active())
    terms_.insert(terms_.begin(), Term{optimizer.flat_parameters(), optimizer.flat_gradients(), p});
}

void Regularization::add(const Tensor& parameter, Penalty p) {
  check_penalty(p);
  if (p.active()) terms_.push_back(Term{parameter, Tensor(), p});
}

double Regularization::value() const {
  double total = 0;
  for (const auto& t : terms_) total += penalty_value(t.parameter, t.penalty);
  return total;
}

void Regularization::add_gradients() const {
  NoGradGuard no_grad;
  for (const auto& t : terms_) {
    const Tensor g = t.gradient.defined() ? t.gradient : t.parameter.grad();
    if (!g.defined())
      throw std::invalid_argument(fmt::format(
          "Regularization: parameter '{}' {} has no gradient; call add_gradients() after "
          "backward() (and after the optimizer has been built, for the global penalty)",
          t.parameter.name(), t.parameter.str()));
    add_penalty_gradient(t.parameter, g, t.penalty);
  }
}

Penalty penalty_from_json(const nlohmann::json& j, const std::string& where) {
  if (!j.is_object())
    throw std::invalid_argument(fmt::format(
        "{}: expected a table like {{\"l1\": 0.0, \"l2\": 1e-4}}, got {}", where, j.dump()));
  Penalty p;
  for (const auto& [key, value] : j.items()) {
    if (key != "l1" && key != "l2")
      throw std::invalid_argument(
          fmt::format("{}: unknown key '{}'; valid keys are l1, l2", where, key));
    if (!value.is_number() || value.get<double>() < 0)
      throw std::invalid_argument(
          fmt::format("{}.{}: expected a number >= 0, got {}", where, key, value.dump()));
    (key == "l1" ? p.l1 : p.l2) = value.get<double>();
  }
  return p;
}

namespace {

void add_penalties(Regularization& reg, const nlohmann::json& layer, const nn::Linear& linear,
                   const std::string& where) {
  if (layer.contains("kernel_regularizer"))
    reg.add(linear.weight(),
            penalty_from_json(layer["kernel_regularizer"], where + ".kernel_regularizer"));
  if (layer.contains("bias_regularizer") && linear.bias().defined())
    reg.add(linear.bias(),
            penalty_from_json(layer["bias_regularizer"], where + ".bias_regularizer"));
}

// A graph's dense layers are its children by name (nn/model_spec.h names unnamed ones
// "<type>_<index>").
Regularization graph_regularization(const nlohmann::json& spec, const nn::Module& model) {
  Regularization reg;
  int index = 0;
  for (const auto& layer : spec.value("layers", nlohmann::json::array())) {
    const std::string where = fmt::format("model.layers[{}]", index);
    const std::string type = layer.value("type", std::string());
    const std::string name = layer.value("name", fmt::format("{}_{}", type, index++));
    if (type != "dense") continue;
    const nn::Linear* linear = nullptr;
    for (const auto& [n, child] : model.children())
      if (n == name) linear = dynamic_cast<const nn::Linear*>(child.get());
    if (!linear)
      throw std::invalid_argument(fmt::format(
          "{}: the model has no dense layer named '{}'; build the model from this same spec", where,
          name));
    add_penalties(reg, layer, *linear, where);
  }
  return reg;
}

}  // namespace

Regularization regularization_from_spec(const nlohmann::json& spec, const nn::Module& model) {
  if (nn::is_graph_spec(spec)) return graph_regularization(spec, model);
  std::vector<const nn::Linear*> linears;
  for (const auto& [name, child] : model.children())
    if (auto* lin = dynamic_cast<const nn::Linear*>(child.get())) linears.push_back(lin);
  Regularization reg;
  size_t dense = 0;
  int index = 0;
  for (const auto& layer : spec.value("layers", nlohmann::json::array())) {
    const std::string where = fmt::format("model.layers[{}]", index++);
    if (layer.value("type", std::string()) != "dense") continue;
    const int64_t repeat = layer.value("repeat", int64_t{1});
    for (int64_t r = 0; r < repeat; ++r, ++dense) {
      if (dense >= linears.size())
        throw std::invalid_argument(fmt::format(
            "{}: the spec has more dense layers than the model has Linear modules ({}); build "
            "the model from this same spec",
            where, linears.size()));
      add_penalties(reg, layer, *linears[dense], where);
    }
  }
  return reg;
}

double clip_grad_norm(const Tensor& grads, double max_norm) {
  check_flat("clip_grad_norm", grads, "gradient buffer");
  check_positive("clip_grad_norm", "max_norm", max_norm);
  auto& be = backend::backend_of(grads);
  const double norm = std::sqrt(be.squared_norm(grads));
  const double coefficient = max_norm / (norm + 1e-6);
  if (coefficient < 1) be.unary(backend::UnaryOp::Affine, grads, grads, coefficient, 0.0);
  return norm;
}

void clip_grad_value(const Tensor& grads, double clip_value) {
  check_flat("clip_grad_value", grads, "gradient buffer");
  check_positive("clip_grad_value", "clip_value", clip_value);
  backend::backend_of(grads).unary(backend::UnaryOp::Clamp, grads, grads, -clip_value, clip_value);
}

}  // namespace scidl::optim
