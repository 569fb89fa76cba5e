// Models described as data. A spec is JSON (configs write it as TOML; model files store it) so
// `scidl predict` rebuilds exactly the network that was trained:
//   {"inputs": 3, "init": "kaiming_uniform", "dtype": "float32",
//    "layers": [{"type": "dense", "units": 128, "activation": "relu", "repeat": 10},
//               {"type": "dropout", "rate": 0.5}, {"type": "dense", "units": 4}]}
// Layer types: dense, dropout, flatten, and the activations relu, tanh, sigmoid, leaky_relu,
// elu, softmax, log_softmax. Errors name the layer index and key, and list valid choices.
// Images (NCHW): "inputs": [C, H, W] and the layers
//   {"type": "conv2d", "filters": 32, "kernel_size": 3 | [3, 3], "strides": 1 | [1, 1],
//    "padding": "valid" | "same" | 1 | [1, 1], "dilation": 1, "activation": "relu", "bias": true}
//   {"type": "maxpool2d" | "avgpool2d", "pool_size": 2, "strides": pool_size, "padding": "valid"}
//   {"type": "global_avg_pool"}, {"type": "dropout2d", "rate": 0.25}
// The shape is tracked through them, so a dense layer after "flatten" knows its input width.
#pragma once
#include <nlohmann/json.hpp>

#include "scidl/nn/sequential.h"

namespace scidl::nn {

std::shared_ptr<Sequential> build_model(const nlohmann::json& spec, uint64_t seed);
const std::vector<std::string>& layer_types();
// The per-example input shape the spec declares: [features] or [C, H, W].
Shape model_input_shape(const nlohmann::json& spec);
// Throws, naming `source` and both shapes, unless data of shape [N, ...] has examples of exactly
// the model's input shape ([N] counts as one feature per example).
void check_input_shape(const nlohmann::json& spec, const Shape& data_shape,
                       const std::string& source);

}  // namespace scidl::nn
