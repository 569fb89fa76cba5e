#include "scidl/data/graph_set.h"

#include <fmt/format.h>

#include "scidl/ops/indexing.h"

namespace scidl::data {

void GraphSet::validate(const std::string& what) const {
  const int64_t g = size();
  if (!x.defined() || x.dim() != 2)
    throw std::invalid_argument(fmt::format("{}: node features must be [nodes, F]", what));
  if (static_cast<int64_t>(edge_offset.size()) != g + 1 || node_offset.back() != x.shape()[0])
    throw std::invalid_argument(fmt::format("{}: {} graphs but offsets for {} nodes / {} graphs",
                                            what, g, node_offset.back(), edge_offset.size() - 1));
  const int64_t e = edge_index.defined() ? edge_index.shape()[1] : 0;
  if (edge_offset.back() != e)
    throw std::invalid_argument(fmt::format("{}: edge offsets end at {} but there are {} edges",
                                            what, edge_offset.back(), e));
  if (edge_weight.defined() && edge_weight.numel() != e)
    throw std::invalid_argument(
        fmt::format("{}: {} edge weights for {} edges", what, edge_weight.numel(), e));
  const auto ids =
      edge_index.defined() ? edge_index.contiguous().to_vector<int64_t>() : std::vector<int64_t>{};
  for (int64_t k = 0; k < g; ++k)
    for (int64_t j = edge_offset[size_t(k)]; j < edge_offset[size_t(k + 1)]; ++j)
      for (int64_t end : {ids[size_t(j)], ids[size_t(e + j)]})
        if (end < node_offset[size_t(k)] || end >= node_offset[size_t(k + 1)])
          throw std::invalid_argument(fmt::format(
              "{}: edge {} of graph {} reaches node {}, outside the graph's nodes {} to {}", what,
              j, k, end, node_offset[size_t(k)], node_offset[size_t(k + 1)] - 1));
}

TensorDict GraphSet::collate(const Tensor& ids_tensor) const {
  const auto ids = ids_tensor.contiguous().to_vector<int64_t>();
  const auto all_edges =
      edge_index.defined() ? edge_index.contiguous().to_vector<int64_t>() : std::vector<int64_t>{};
  const int64_t e_total = static_cast<int64_t>(all_edges.size() / 2);
  std::vector<int64_t> nodes, edges, batch, src, dst;
  int64_t base = 0;
  for (size_t b = 0; b < ids.size(); ++b) {
    const int64_t g = ids[b];
    if (g < 0 || g >= size())
      throw std::invalid_argument(fmt::format("graph id {} outside 0 to {}", g, size() - 1));
    const int64_t n0 = node_offset[size_t(g)], n1 = node_offset[size_t(g + 1)];
    for (int64_t n = n0; n < n1; ++n) {
      nodes.push_back(n);
      batch.push_back(static_cast<int64_t>(b));
    }
    for (int64_t j = edge_offset[size_t(g)]; j < edge_offset[size_t(g + 1)]; ++j) {
      edges.push_back(j);
      src.push_back(all_edges[size_t(j)] - n0 + base);
      dst.push_back(all_edges[size_t(e_total + j)] - n0 + base);
    }
    base += n1 - n0;
  }
  const auto m = static_cast<int64_t>(src.size());
  src.insert(src.end(), dst.begin(), dst.end());
  TensorDict out;
  out.set("x", index_select(x, 0, from_vector(nodes, {static_cast<int64_t>(nodes.size())})));
  out.set("edge_index", from_vector(src, {2, m}));
  if (edge_weight.defined())
    out.set("edge_weight", index_select(edge_weight, 0, from_vector(edges, {m})));
  out.set("batch", from_vector(batch, {static_cast<int64_t>(batch.size())}));
  out.set("num_graphs", from_vector(std::vector<int64_t>{static_cast<int64_t>(ids.size())}, {}));
  return out;
}

}  // namespace scidl::data
