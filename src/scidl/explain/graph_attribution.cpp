#include "scidl/explain/graph_attribution.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "scidl/explain/saliency.h"
#include "scidl/nn/graph_conv.h"
#include "scidl/ops/ops.h"

namespace scidl::explain {

TensorDict repeat_graph(const TensorDict& graph, int64_t copies) {
  const Tensor& x = graph.get("x");
  const Tensor& edge_index = graph.get("edge_index");
  const int64_t n = x.shape()[0], e = edge_index.shape()[1];
  std::vector<int64_t> index(static_cast<size_t>(2 * e * copies)), batch;
  const auto ids = edge_index.contiguous().to_vector<int64_t>();
  for (int64_t r = 0; r < 2; ++r)
    for (int64_t p = 0; p < copies; ++p)
      for (int64_t k = 0; k < e; ++k)
        index[size_t(r * e * copies + p * e + k)] = ids[size_t(r * e + k)] + p * n;
  for (int64_t p = 0; p < copies; ++p) batch.insert(batch.end(), static_cast<size_t>(n), p);
  TensorDict out;
  out.set("x", reshape(expand(unsqueeze(x, 0), {copies, n, x.shape()[1]}), {copies * n, -1}));
  out.set("edge_index", from_vector(index, {2, e * copies}));
  if (graph.contains("edge_weight"))
    out.set("edge_weight",
            reshape(expand(unsqueeze(graph.get("edge_weight"), 0), {copies, e}), {copies * e}));
  out.set("batch", from_vector(batch, {copies * n}));
  out.set("num_graphs", from_vector(std::vector<int64_t>{copies}, {}));
  return out;
}

EdgeMaskModel::EdgeMaskModel(nn::Module& model, TensorDict graph)
    : model_(model), graph_(std::move(graph)) {
  nodes_ = graph_.get("x").shape()[0];
  edges_ = graph_.get("edge_index").shape()[1];
}

Tensor EdgeMaskModel::forward(const Tensor& mask) {
  if (mask.dim() != 2 || mask.shape()[1] != edges_)
    throw ExplainError(fmt::format("edge mask: expected [P, {}] (one weight per edge), got {}",
                                   edges_, shape_str(mask.shape())));
  TensorDict batch = repeat_graph(graph_, mask.shape()[0]);
  Tensor weights = reshape(mask, {-1});
  if (graph_.contains("edge_weight"))  // the mask scales the graph's own weights
    weights = weights * batch.get("edge_weight");
  batch.set("edge_weight", weights);
  return model_.forward_batch(batch);
}

NodeFeatureModel::NodeFeatureModel(nn::Module& model, TensorDict graph)
    : model_(model), graph_(std::move(graph)) {
  nodes_ = graph_.get("x").shape()[0];
  features_ = graph_.get("x").shape()[1];
}

Tensor NodeFeatureModel::forward(const Tensor& features) {
  if (features.dim() != 2 || features.shape()[1] != nodes_ * features_)
    throw ExplainError(fmt::format("node features: expected [P, {}], got {}", nodes_ * features_,
                                   shape_str(features.shape())));
  TensorDict batch = repeat_graph(graph_, features.shape()[0]);
  batch.set("x", reshape(features, {-1, features_}));
  return model_.forward_batch(batch);
}

namespace {
bool reads_weights(nn::Module& m) {
  if (dynamic_cast<nn::GraphConv*>(&m) || dynamic_cast<nn::GCNConv*>(&m)) return true;
  for (const auto& [name, child] : m.children())
    if (reads_weights(*child)) return true;
  return false;
}
}  // namespace

bool reads_edge_weights(nn::Module& model) { return reads_weights(model); }

GraphAttribution attribute_graph(nn::Module& model, const TensorDict& graph, const Target& target,
                                 const std::string& method,
                                 const IntegratedGradientsOptions& options) {
  if (method != "ig" && method != "saliency")
    throw ExplainError(fmt::format(
        "graph models are explained with ig (integrated gradients) or saliency, not '{}'", method));
  if (!reads_edge_weights(model))
    throw ExplainError(
        "this model reads no edge weights (its graph layers are GINConv or none), so edges "
        "cannot be attributed through an edge mask; use GraphConv or GCNConv layers");
  const DType dtype = graph.get("x").dtype();
  EdgeMaskModel edges(model, graph);
  NodeFeatureModel nodes(model, graph);
  const Tensor mask = ones({1, edges.edges()}, dtype);
  const Tensor features = reshape(graph.get("x"), {1, -1});
  Tensor edge_attr, node_attr;
  if (method == "ig") {
    edge_attr = integrated_gradients(edges, mask, target, options).attributions;
    node_attr = integrated_gradients(nodes, features, target, options).attributions;
  } else {
    edge_attr = saliency(edges, mask, target);
    node_attr = saliency(nodes, features, target);
  }
  GraphAttribution out;
  const auto ids = graph.get("edge_index").contiguous().to_vector<int64_t>();
  const auto values = edge_attr.to_vector<double>();
  const auto e = static_cast<size_t>(edges.edges());
  std::map<std::pair<int64_t, int64_t>, size_t> seen;
  for (size_t k = 0; k < e; ++k) {
    const auto key = std::minmax(ids[k], ids[e + k]);
    auto [it, fresh] = seen.emplace(std::pair{key.first, key.second}, out.edges.size());
    if (fresh) {
      out.edges.push_back(it->first);
      out.edge_attribution.push_back(0);
    }
    out.edge_attribution[it->second] += values[k];
  }
  const auto per_feature = node_attr.to_vector<double>();
  const auto features_per_node = graph.get("x").shape()[1];
  out.node_attribution.assign(static_cast<size_t>(graph.get("x").shape()[0]), 0.0);
  for (size_t i = 0; i < per_feature.size(); ++i)
    out.node_attribution[i / static_cast<size_t>(features_per_node)] += per_feature[i];
  return out;
}

double roc_auc(const std::vector<double>& scores, const std::vector<int>& labels) {
  // Mann-Whitney: the share of (positive, negative) pairs ranked right, ties counting half.
  std::vector<size_t> order(scores.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return scores[a] < scores[b]; });
  double rank_sum = 0, positives = 0;
  for (size_t i = 0; i < order.size();) {
    size_t j = i;
    while (j < order.size() && scores[order[j]] == scores[order[i]]) ++j;
    const double mid_rank = 0.5 * static_cast<double>(i + j + 1);  // 1-based average rank
    for (size_t k = i; k < j; ++k)
      if (labels[order[k]]) rank_sum += mid_rank, positives += 1;
    i = j;
  }
  const double negatives = static_cast<double>(scores.size()) - positives;
  if (positives == 0 || negatives == 0) return std::nan("");
  return (rank_sum - positives * (positives + 1) / 2) / (positives * negatives);
}

}  // namespace scidl::explain
