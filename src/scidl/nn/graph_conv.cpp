#include "scidl/nn/graph_conv.h"

#include <fmt/format.h>

#include "scidl/ops/ops.h"

namespace scidl::nn {

namespace {
// Row r of edge_index [2, E]: 0 the sources, 1 the targets.
Tensor endpoints(const Tensor& edge_index, int64_t r) {
  return squeeze(slice(edge_index, 0, r, r + 1), 0).contiguous();
}
Tensor sources(const GraphBatch& g) { return endpoints(g.edge_index, 0); }
Tensor targets(const GraphBatch& g) { return endpoints(g.edge_index, 1); }
Tensor column(const Tensor& w) { return reshape(w, {w.numel(), 1}); }
}  // namespace

GraphConv::GraphConv(int64_t in, int64_t out, std::string aggr, bool bias, DType dtype,
                     Generator& gen)
    : in_(in), out_(out), aggr_(std::move(aggr)) {
  if (aggr_ != "add" && aggr_ != "mean" && aggr_ != "max")
    throw std::invalid_argument(
        fmt::format("GraphConv: unknown aggr '{}': choose add, mean or max", aggr_));
  lin_rel_ = register_module(
      "lin_rel",
      std::make_shared<Linear>(in, out, LinearOptions{bias, Init::KaimingUniform, dtype}, gen));
  lin_root_ = register_module(
      "lin_root",
      std::make_shared<Linear>(in, out, LinearOptions{false, Init::KaimingUniform, dtype}, gen));
}

Tensor GraphConv::forward_graph(const Tensor& x, const GraphBatch& g) {
  check_node_features(describe(), x, g, in_);
  Tensor messages = index_select(x, 0, sources(g));
  if (g.edge_weight.defined()) messages = messages * column(g.edge_weight);
  Tensor aggregated = scatter_reduce_rows(messages, targets(g), g.num_nodes, aggr_);
  return (*lin_rel_)(aggregated) + (*lin_root_)(x);
}

std::string GraphConv::describe() const {
  return fmt::format("GraphConv({} -> {}, aggr={})", in_, out_, aggr_);
}

std::pair<Tensor, Tensor> gcn_norm(const Tensor& edge_index, const Tensor& edge_weight, int64_t n,
                                   bool improved, bool add_self_loops, DType dtype) {
  const auto ids = edge_index.contiguous().to_vector<int64_t>();
  const auto e = static_cast<int64_t>(ids.size() / 2);
  Tensor index = edge_index, weight = edge_weight;
  if (add_self_loops) {
    // PyG's add_remaining_self_loops: drop the loops, then one per node, keeping the weight of
    // a node's existing loop (the last, as PyG's scatter leaves it) or the fill value.
    std::vector<int64_t> kept, loop_of(static_cast<size_t>(n), -1);
    for (int64_t k = 0; k < e; ++k) {
      if (ids[size_t(k)] == ids[size_t(e + k)])
        loop_of[size_t(ids[size_t(k)])] = k;
      else
        kept.push_back(k);
    }
    std::vector<int64_t> rows, cols, pick = kept;
    for (int64_t k : kept) rows.push_back(ids[size_t(k)]), cols.push_back(ids[size_t(e + k)]);
    for (int64_t i = 0; i < n; ++i) {
      rows.push_back(i);
      cols.push_back(i);
      pick.push_back(loop_of[size_t(i)] >= 0 ? loop_of[size_t(i)] : e);  // e: the fill value
    }
    const auto m = static_cast<int64_t>(rows.size());
    rows.insert(rows.end(), cols.begin(), cols.end());
    index = from_vector(rows, {2, m});
    if (edge_weight.defined()) {
      const double fill = improved ? 2.0 : 1.0;
      weight = index_select(concat({edge_weight, full({1}, fill, edge_weight.dtype())}, 0), 0,
                            from_vector(pick, {m}));
    } else {  // PyG sets every weight, loops included, to 1: `improved` has no effect here
      weight = ones({m}, dtype);
    }
  } else if (!weight.defined()) {
    weight = ones({e}, dtype);
  }
  Tensor row = endpoints(index, 0), col = endpoints(index, 1);
  Tensor degree = scatter_sum(weight, col, n);
  Tensor positive = gt(degree, zeros({}, degree.dtype()));
  Tensor inv_sqrt = where(positive, pow(where(positive, degree, ones({}, degree.dtype())), -0.5),
                          zeros({}, degree.dtype()));
  return {index, index_select(inv_sqrt, 0, row) * weight * index_select(inv_sqrt, 0, col)};
}

GCNConv::GCNConv(int64_t in, int64_t out, GcnOptions options, DType dtype, Generator& gen)
    : in_(in), out_(out), options_(options) {
  if (options.add_self_loops && !options.normalize)
    throw std::invalid_argument(
        "GCNConv: add_self_loops needs normalize (as PyG refuses it since 2.4)");
  lin_ = register_module(
      "lin",
      std::make_shared<Linear>(in, out, LinearOptions{false, Init::GlorotUniform, dtype}, gen));
  if (options.bias) bias_ = register_parameter("bias", zeros({out}, dtype));
}

Tensor GCNConv::forward_graph(const Tensor& x, const GraphBatch& g) {
  check_node_features(describe(), x, g, in_);
  Tensor index, weight;
  if (options_.cached && cached_index_.defined()) {
    index = cached_index_;
    weight = cached_weight_;
  } else if (options_.normalize) {
    std::tie(index, weight) = gcn_norm(g.edge_index, g.edge_weight, g.num_nodes, options_.improved,
                                       options_.add_self_loops, x.dtype());
  } else {
    index = g.edge_index;
    weight = g.edge_weight.defined() ? g.edge_weight : ones({g.edge_index.shape()[1]}, x.dtype());
  }
  if (options_.cached && !cached_index_.defined()) {
    cached_index_ = index;
    cached_weight_ = weight.detach();
  }
  Tensor h = (*lin_)(x);
  Tensor messages = index_select(h, 0, endpoints(index, 0)) * column(weight);
  Tensor out = scatter_sum(messages, endpoints(index, 1), g.num_nodes);
  return bias_.defined() ? out + bias_ : out;
}

std::string GCNConv::describe() const {
  return fmt::format("GCNConv({} -> {}{})", in_, out_, options_.improved ? ", improved" : "");
}

GINConv::GINConv(ModulePtr nn, int64_t in, double eps, bool train_eps, DType dtype)
    : nn_(register_module("nn", std::move(nn))), in_(in), train_eps_(train_eps) {
  eps_ = train_eps ? register_parameter("eps", full({1}, eps, dtype))
                   : register_buffer("eps", full({1}, eps, dtype));
}

Tensor GINConv::forward_graph(const Tensor& x, const GraphBatch& g) {
  check_node_features(describe(), x, g, in_);
  Tensor neighbours = scatter_sum(index_select(x, 0, sources(g)), targets(g), g.num_nodes);
  return (*nn_)((1.0 + eps_) * x + neighbours);
}

std::string GINConv::describe() const {
  return fmt::format("GINConv({}{})", in_, train_eps_ ? ", train_eps" : "");
}

GlobalPool::GlobalPool(std::string reduce) : reduce_(std::move(reduce)) {
  if (reduce_ != "add" && reduce_ != "mean" && reduce_ != "max")
    throw std::invalid_argument(
        fmt::format("global pool: unknown reduction '{}': choose add, mean or max", reduce_));
}

Tensor GlobalPool::forward_graph(const Tensor& x, const GraphBatch& g) {
  check_node_features(describe(), x, g, 0);
  Tensor batch = g.batch.defined() ? g.batch : zeros({g.num_nodes}, DType::Int64);
  return scatter_reduce_rows(x, batch, g.batch.defined() ? g.num_graphs : 1, reduce_);
}

std::string GlobalPool::describe() const { return fmt::format("global_{}_pool", reduce_); }

}  // namespace scidl::nn
