// A model as the nodes of TensorBoard's GRAPHS tab (io/tensorboard_graph.h): one node per model
// input (op "Input") and per layer (op: the layer's type, "Linear", "Conv2d", "ReLU"), each
// reading the nodes it takes its values from. A graph model (nn/graph.h) gives its real edges
// (a residual's Add reads two nodes), a Sequential a chain, any other module one node. Output
// shapes come from running the first two examples of `examples` through the layers in eval mode
// without recording gradients, batch dimension written as -1.
// Contract: never throws for a model that trains; without examples, on a graph dataset (a
// GraphSet batch), or when a layer refuses the examples, nodes carry no output shapes. The
// model's training flag is left as it was.
#pragma once
#include <vector>

#include "scidl/data/dataset.h"
#include "scidl/io/tensorboard_graph.h"
#include "scidl/nn/module.h"

namespace scidl::train {

std::vector<io::GraphNode> model_graph(nn::Module& model, const data::Dataset* examples);

}  // namespace scidl::train
