// PyG's message-passing convolutions (torch_geometric.nn.conv), parameters under PyG's names:
//   GraphConv  x'_i = lin_rel(aggr_{j->i} e_ji x_j) + lin_root(x_i); aggr add, mean or max;
//              the bias is lin_rel's, lin_root has none; edge weights scale every message.
//   GCNConv    X' = D^-1/2 (A + I) D^-1/2 X Θ + b (Kipf & Welling), self-loops added only where
//              a node lacks one (an existing loop keeps its weight; new loops weigh 1, or 2 with
//              improved and edge weights); d_i = Σ_j e_ji over the loops included; Θ = lin.weight.
//              cached keeps the normalised edges of the first call (transductive use only).
//   GINConv    x'_i = nn((1 + eps) x_i + Σ_{j->i} x_j); eps trainable with train_eps (else a
//              buffer); edge weights are ignored, as PyG's.
#pragma once
#include <string>

#include "scidl/nn/linear.h"
#include "scidl/nn/message_passing.h"

namespace scidl::nn {

class GraphConv : public GraphModule {
 public:
  GraphConv(int64_t in, int64_t out, std::string aggr = "add", bool bias = true,
            DType dtype = DType::Float32, Generator& gen = default_generator());
  Tensor forward_graph(const Tensor& x, const GraphBatch& g) override;
  std::string describe() const override;

 private:
  int64_t in_, out_;
  std::string aggr_;
  std::shared_ptr<Linear> lin_rel_, lin_root_;
};

struct GcnOptions {
  bool improved = false, cached = false, add_self_loops = true, normalize = true, bias = true;
};

class GCNConv : public GraphModule {
 public:
  GCNConv(int64_t in, int64_t out, GcnOptions options = {}, DType dtype = DType::Float32,
          Generator& gen = default_generator());
  Tensor forward_graph(const Tensor& x, const GraphBatch& g) override;
  std::string describe() const override;

 private:
  int64_t in_, out_;
  GcnOptions options_;
  std::shared_ptr<Linear> lin_;
  Tensor bias_;
  Tensor cached_index_, cached_weight_;
};

class GINConv : public GraphModule {
 public:
  GINConv(ModulePtr nn, int64_t in, double eps = 0.0, bool train_eps = false,
          DType dtype = DType::Float32);
  Tensor forward_graph(const Tensor& x, const GraphBatch& g) override;
  std::string describe() const override;

 private:
  ModulePtr nn_;
  int64_t in_;
  bool train_eps_;
  Tensor eps_;
};

// GCN's normalised edges (PyG's gcn_norm): {edge_index with the self-loops, their weights}.
std::pair<Tensor, Tensor> gcn_norm(const Tensor& edge_index, const Tensor& edge_weight,
                                   int64_t num_nodes, bool improved, bool add_self_loops,
                                   DType dtype);

// global_add_pool / global_mean_pool / global_max_pool: node features [N, F] to one row per
// graph [G, F].
class GlobalPool : public GraphModule {
 public:
  explicit GlobalPool(std::string reduce);  // "add", "mean" or "max"
  Tensor forward_graph(const Tensor& x, const GraphBatch& g) override;
  std::string describe() const override;

 private:
  std::string reduce_;
};

}  // namespace scidl::nn
