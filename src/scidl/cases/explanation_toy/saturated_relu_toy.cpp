#include "scidl/cases/explanation_toy/saturated_relu_toy.h"

#include "scidl/nn/model_spec.h"
#include "scidl/nn/sequential.h"

namespace scidl::explain {

nlohmann::json saturated_relu_spec(DType dtype) {
  return {{"inputs", 2},
          {"dtype", dtype == DType::Float64 ? "float64" : "float32"},
          {"layers",
           {{{"type", "dense"}, {"units", 1}, {"activation", "relu"}},
            {{"type", "dense"}, {"units", 1}}}}};
}

std::shared_ptr<nn::Sequential> saturated_relu_model(double w1, double w2, DType dtype) {
  auto model = nn::build_sequential(saturated_relu_spec(dtype), 0);
  model->load_state_dict({{"0.weight", from_vector(std::vector<double>{-w1, -w2}, {1, 2}, dtype)},
                          {"0.bias", from_vector(std::vector<double>{1.0}, {1}, dtype)},
                          {"2.weight", from_vector(std::vector<double>{-1.0}, {1, 1}, dtype)},
                          {"2.bias", from_vector(std::vector<double>{1.0}, {1}, dtype)}});
  model->eval();
  return model;
}

}  // namespace scidl::explain
