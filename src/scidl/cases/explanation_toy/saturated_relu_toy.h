// The article's "where gradients fail" toy as a scidl model: one ReLU unit of two inputs,
//   F(x) = 1 - ReLU(1 - (w1 x1 + w2 x2)),   w1 = 10, w2 = 1 by default,
// i.e. Linear(2 -> 1, weight [-w1, -w2], bias 1), ReLU, Linear(1 -> 1, weight -1, bias 1).
// Where w1 x1 + w2 x2 > 1 the output is saturated at 1: every gradient is 0, yet with baseline 0
// integrated gradients give w1 x1 : w2 x2 and add up to F(x) - F(0) = 1.
// Contract: the model is an ordinary Sequential (saveable with io::save_model and its spec).
#pragma once
#include <nlohmann/json.hpp>

#include "scidl/nn/sequential.h"

namespace scidl::explain {

nlohmann::json saturated_relu_spec(DType dtype = DType::Float64);
std::shared_ptr<nn::Sequential> saturated_relu_model(double w1 = 10.0, double w2 = 1.0,
                                                     DType dtype = DType::Float64);

}  // namespace scidl::explain
