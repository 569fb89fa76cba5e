// The small problem behind tests/data/reference/optimizers_float64.json: the PyTorch MLP
// Sequential(Linear(5,16), Tanh(), Linear(16,16), ReLU(), Linear(16,3)) in float64 with the
// fixture's weights, one batch of 8 and MSE loss; and the fixture's optimizer cases as specs.
#pragma once
#include <nlohmann/json.hpp>

#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "scidl/nn/activation.h"
#include "scidl/nn/linear.h"
#include "scidl/nn/sequential.h"
#include "scidl/ops/loss.h"
#include "scidl/optim/factory.h"

namespace scidl::testing {

inline const nlohmann::json& optimizer_fixture() {
  static const nlohmann::json j = [] {
    std::ifstream in(std::string(SCIDL_TEST_DATA) + "/reference/optimizers_float64.json");
    return nlohmann::json::parse(in);
  }();
  return j;
}

inline Tensor fixture_tensor(const nlohmann::json& t) {
  return from_vector(t["data"].get<std::vector<double>>(), t["shape"].get<Shape>(), DType::Float64);
}

struct MlpProblem {
  std::shared_ptr<nn::Sequential> model;
  Tensor x, y;

  MlpProblem() {
    const auto& f = optimizer_fixture();
    nn::LinearOptions o{true, nn::Init::KaimingUniform, DType::Float64};
    model = std::make_shared<nn::Sequential>();
    model->push_back(std::make_shared<nn::Linear>(5, 16, o));
    model->push_back(std::make_shared<nn::Tanh>());
    model->push_back(std::make_shared<nn::Linear>(16, 16, o));
    model->push_back(std::make_shared<nn::ReLU>());
    model->push_back(std::make_shared<nn::Linear>(16, 3, o));
    auto flat = f["initial_params"].get<std::vector<double>>();
    std::map<std::string, Tensor> state;
    size_t at = 0;
    for (const auto& name : f["param_order"]) {
      Shape shape = f["param_shapes"][name.get<std::string>()].get<Shape>();
      std::vector<double> values(flat.begin() + static_cast<long>(at),
                                 flat.begin() + static_cast<long>(at + numel_of(shape)));
      at += numel_of(shape);
      state[name.get<std::string>()] = from_vector(values, shape, DType::Float64);
    }
    model->load_state_dict(state);
    x = fixture_tensor(f["input"]);
    y = fixture_tensor(f["target"]);
  }

  void step(optim::Optimizer& optimizer) const {
    optimizer.zero_grad();
    mse_loss((*model)(x), y).backward();
    optimizer.step();
  }

  std::vector<double> flat_parameters() const {
    std::vector<double> out;
    for (const auto& p : model->parameters()) {
      auto v = p.to_vector<double>();
      out.insert(out.end(), v.begin(), v.end());
    }
    return out;
  }
};

// The fixture case's PyTorch arguments as an OptimizerSpec (through the JSON reader configs use).
inline optim::OptimizerSpec spec_for_case(const nlohmann::json& c) {
  static const std::map<std::string, std::string> types{
      {"SGD", "sgd"},         {"Adam", "adam"},         {"AdamW", "adamw"},
      {"Adagrad", "adagrad"}, {"Adadelta", "adadelta"}, {"RMSprop", "rmsprop"}};
  const std::string type = types.at(c["optimizer"].get<std::string>());
  nlohmann::json j{{"type", type}};
  for (const auto& key : optim::optimizer_options(type)) j[key] = c["args"].at(key);
  return optim::optimizer_spec_from_json(j);
}

}  // namespace scidl::testing
