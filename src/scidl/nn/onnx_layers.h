// Each layer's ONNX operators (internal to nn/: nn/onnx_export.h is the interface). A
// translation appends the layer's nodes and initializers to the builder and returns the name of
// its output; `name` is the layer's name in the model ("3" in a stack, "h1" in a graph), which
// its initializers extend as its parameters are named ("3.weight"), and `where` says which
// layer an error is about.
#pragma once
#include <string>
#include <vector>

#include "scidl/nn/module.h"
#include "scidl/nn/onnx_graph_builder.h"

namespace scidl::nn {
class Recurrent;
}

namespace scidl::nn::onnx_export {

// A layer of one input: dense, activations, dropout, flatten, convolution, pooling, the
// normalisations and the embedding. Throws UnsupportedLayer for anything else.
std::string export_layer(GraphBuilder& b, Module& layer, const Value& in, const std::string& name,
                         const std::string& where);

// Add or Concat over several inputs.
std::string export_merge(GraphBuilder& b, Module& layer, const std::vector<Value>& in,
                         const std::string& name, const std::string& where);

// LSTM or GRU (nn/onnx_recurrent.cpp).
std::string export_recurrent(GraphBuilder& b, const Recurrent& layer, const Value& in,
                             const std::string& name);

// "GraphConv" of "GraphConv(4 -> 8, add)": the layer's type for messages.
std::string layer_type(const Module& layer);

}  // namespace scidl::nn::onnx_export
