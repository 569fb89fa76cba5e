// Many small graphs (molecules, TU datasets, generated motifs) held once, and batched as PyTorch
// Geometric batches them: node features concatenated, edge_index offset per graph, a `batch`
// vector naming each node's graph. A Dataset of graphs holds the graph ids as its x (int64 [G],
// one row per graph) and the GraphSet beside them, so splits, shuffles and subsets work on ids
// as on any rows, and BatchIterator collates the chosen graphs (Dataset::graphs).
#pragma once
#include <string>
#include <vector>

#include "scidl/tensor/tensor.h"
#include "scidl/tensor/tensor_dict.h"

namespace scidl::data {

struct GraphSet {
  Tensor x;            // float [total nodes, F]
  Tensor edge_index;   // int64 [2, total edges], node ids into x; graph g's edges contiguous
  Tensor edge_weight;  // [total edges] or undefined
  std::vector<int64_t> node_offset{0}, edge_offset{0};  // graph g: [offset[g], offset[g + 1])
  std::vector<std::string> feature_names;

  int64_t size() const { return static_cast<int64_t>(node_offset.size()) - 1; }
  int64_t features() const { return x.defined() ? x.shape()[1] : 0; }
  // Throws naming the graph and edge when an edge leaves its graph or the offsets disagree.
  void validate(const std::string& what) const;
  // The batch of graphs `ids` (int64 [B]), in that order: {"x", "edge_index" (renumbered),
  // "edge_weight" when the set has weights, "batch", "num_graphs" (int64 scalar)}.
  TensorDict collate(const Tensor& ids) const;
};

}  // namespace scidl::data
