// Models described as data. A spec is JSON (configs write it as TOML; model files store it) so
// `scidl predict` rebuilds exactly the network that was trained:
//   {"inputs": 3, "init": "kaiming_uniform", "dtype": "float32",
//    "layers": [{"type": "dense", "units": 128, "activation": "relu", "repeat": 10},
//               {"type": "dropout", "rate": 0.5}, {"type": "dense", "units": 4}]}
// Layer types: dense, dropout, flatten, and the activations relu, tanh, sigmoid, leaky_relu,
// elu, softmax, log_softmax. Errors name the layer index and key, and list valid choices.
#pragma once
#include <nlohmann/json.hpp>

#include "scidl/nn/sequential.h"

namespace scidl::nn {

std::shared_ptr<Sequential> build_model(const nlohmann::json& spec, uint64_t seed);
const std::vector<std::string>& layer_types();

}  // namespace scidl::nn
