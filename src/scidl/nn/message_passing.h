// Graph neural network layers with PyTorch Geometric's semantics. A batch of graphs is PyG's:
// node features concatenated [N, F], edge_index [2, E] (row 0 the source j, row 1 the target i:
// messages flow j -> i), optional edge weights [E], and batch [N] naming each node's graph.
// Layers that need the graph implement GraphModule; a Sequential given a batch holding
// "edge_index" hands them the graph and runs every other layer on the node (or, after a pooling
// layer, graph) features as usual.
#pragma once
#include "scidl/nn/module.h"
#include "scidl/tensor/tensor_dict.h"

namespace scidl::nn {

struct GraphBatch {
  Tensor edge_index;   // int64 [2, E]
  Tensor edge_weight;  // [E] or undefined (every edge weighs 1)
  Tensor batch;        // int64 [N] or undefined (one graph)
  int64_t num_nodes = 0, num_graphs = 1;
  // From a batch of named tensors: "edge_index", optional "edge_weight", "batch", "num_graphs"
  // (int64 scalar; else one more than the largest batch id). Throws naming what is malformed.
  static GraphBatch from(const TensorDict& batch, int64_t num_nodes);
};

class GraphModule : public Module {
 public:
  Tensor forward(const Tensor& x) override;  // throws: a graph layer needs the graph
  virtual Tensor forward_graph(const Tensor& x, const GraphBatch& g) = 0;
};

// Graph of a layer's inputs checked once: x [N, F] with N = g.num_nodes.
void check_node_features(const std::string& layer, const Tensor& x, const GraphBatch& g,
                         int64_t features);

}  // namespace scidl::nn
