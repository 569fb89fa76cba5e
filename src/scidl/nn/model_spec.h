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
// More layers: {"type": "layernorm", "eps": 1e-5}, {"type": "normalization"} (Keras's, adapted
// on the training data), {"type": "embedding", "input_dim": 10, "output_dim": 4},
// {"type": "gelu", "approximate": "none" | "tanh"}, {"type": "silu"}, and for sequences
// (inputs [steps, features]) {"type": "lstm" | "gru", "units": 64, "num_layers": 1,
// "dropout": 0, "return_sequences": false, "batch_first": true, "bias": true}.
//
// A model graph (nn/graph.h): every layer may have a "name" and "inputs" (model inputs or
// layers, by name; the previous layer when absent); "add" and "concat" ({"axis": -1}) join
// several. The output is the last layer unless the model says "output": "name". Several model
// inputs are named: "inputs": {"x": 5, "c": 2}.
//   {"inputs": 5, "layers": [{"name": "h1", "type": "dense", "units": 16, "activation": "relu"},
//                            {"name": "h2", "type": "dense", "units": 16, "inputs": ["h1"]},
//                            {"name": "r", "type": "add", "inputs": ["h1", "h2"]},
//                            {"name": "out", "type": "dense", "units": 3}]}
// A graph refuses a missing name, a cycle, an unused layer and inputs whose shapes do not fit,
// naming the layer and the shapes.
#pragma once
#include <nlohmann/json.hpp>

#include "scidl/nn/module.h"
#include "scidl/nn/sequential.h"

namespace scidl::nn {

// A Sequential for a stack of layers, an nn::Graph for a graph.
ModulePtr build_model(const nlohmann::json& spec, uint64_t seed);
// build_model for a stack, refusing a graph: for code that needs a Sequential.
std::shared_ptr<Sequential> build_sequential(const nlohmann::json& spec, uint64_t seed);
const std::vector<std::string>& layer_types();
bool is_graph_spec(const nlohmann::json& spec);
// The model's inputs by name with their per-example shapes; a model of one unnamed input has
// the one input "x".
std::vector<std::pair<std::string, Shape>> model_inputs(const nlohmann::json& spec);
// The per-example input shape the spec declares: [features] or [C, H, W] (models of one input).
Shape model_input_shape(const nlohmann::json& spec);
// The parameters' type the spec declares (float32 unless "dtype" says float64): the type a
// model's inputs take.
DType model_dtype(const nlohmann::json& spec);
// Throws, naming `source` and both shapes, unless data of shape [N, ...] has examples of exactly
// the model's input shape ([N] counts as one feature per example).
void check_input_shape(const nlohmann::json& spec, const Shape& data_shape,
                       const std::string& source);

}  // namespace scidl::nn
