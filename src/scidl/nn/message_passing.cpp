#include "scidl/nn/message_passing.h"

#include <fmt/format.h>

#include <algorithm>

namespace scidl::nn {

GraphBatch GraphBatch::from(const TensorDict& b, int64_t num_nodes) {
  if (!b.contains("edge_index"))
    throw std::invalid_argument("a graph layer needs the batch's edge_index [2, E]");
  GraphBatch g;
  g.num_nodes = num_nodes;
  g.edge_index = b.get("edge_index");
  if (g.edge_index.dtype() != DType::Int64 || g.edge_index.dim() != 2 ||
      g.edge_index.shape()[0] != 2)
    throw std::invalid_argument(
        fmt::format("edge_index must be int64 [2, E], got {}", g.edge_index.str()));
  for (int64_t id : g.edge_index.contiguous().to_vector<int64_t>())
    if (id < 0 || id >= num_nodes)
      throw std::invalid_argument(
          fmt::format("edge_index holds node {} but the batch has {} nodes (0 to {})", id,
                      num_nodes, num_nodes - 1));
  if (b.contains("edge_weight")) {
    g.edge_weight = b.get("edge_weight");
    if (g.edge_weight.dim() != 1 || g.edge_weight.numel() != g.edge_index.shape()[1])
      throw std::invalid_argument(fmt::format("edge_weight {} must hold one weight per edge ({})",
                                              shape_str(g.edge_weight.shape()),
                                              g.edge_index.shape()[1]));
  }
  if (b.contains("batch")) {
    g.batch = b.get("batch");
    if (g.batch.dtype() != DType::Int64 || g.batch.dim() != 1 || g.batch.numel() != num_nodes)
      throw std::invalid_argument(fmt::format(
          "batch must be int64 [{}] (a graph id per node), got {}", num_nodes, g.batch.str()));
    if (b.contains("num_graphs")) {
      g.num_graphs = b.get("num_graphs").to_vector<int64_t>().at(0);
    } else {
      const auto ids = g.batch.contiguous().to_vector<int64_t>();
      g.num_graphs = ids.empty() ? 0 : *std::max_element(ids.begin(), ids.end()) + 1;
    }
  }
  return g;
}

Tensor GraphModule::forward(const Tensor&) {
  throw std::invalid_argument(fmt::format(
      "{} is a graph layer: it needs the graph (edge_index, batch), not node features alone; "
      "give the model a batch of graphs",
      describe()));
}

void check_node_features(const std::string& layer, const Tensor& x, const GraphBatch& g,
                         int64_t features) {
  if (x.dim() != 2 || x.shape()[0] != g.num_nodes || (features > 0 && x.shape()[1] != features))
    throw std::invalid_argument(fmt::format("{}: expects node features [{}, {}], got {}", layer,
                                            g.num_nodes, features, shape_str(x.shape())));
}

}  // namespace scidl::nn
