// Explaining a graph network one graph at a time, as PyG's Captum tutorial does
// (to_captum_model): the graph's edge mask (every edge's weight, ones for the graph as given) or
// its node features become the input an explanation method attributes, and a path of P points
// runs as one batch of P copies of the graph. So integrated gradients and saliency apply
// unchanged: integrated_gradients(EdgeMaskModel(model, graph), ones [1, E], target).
// Contract: `graph` is one graph's collated batch ({"x", "edge_index", optional "edge_weight",
// ...}); the model reads edge weights (GraphConv, GCNConv: GINConv ignores them, and an edge
// mask on such a model is refused).
#pragma once
#include <string>
#include <vector>

#include "scidl/explain/integrated_gradients.h"
#include "scidl/nn/module.h"
#include "scidl/tensor/tensor_dict.h"

namespace scidl::explain {

// Input [P, E]: row p is the edge weights of copy p. Output: the model's [P, ...].
class EdgeMaskModel : public nn::Module {
 public:
  EdgeMaskModel(nn::Module& model, TensorDict graph);
  Tensor forward(const Tensor& mask) override;
  std::string describe() const override { return "edge mask of one graph"; }
  int64_t edges() const { return edges_; }

 private:
  nn::Module& model_;
  TensorDict graph_;
  int64_t nodes_, edges_;
};

// Input [P, N * F]: row p is the node features of copy p, flattened.
class NodeFeatureModel : public nn::Module {
 public:
  NodeFeatureModel(nn::Module& model, TensorDict graph);
  Tensor forward(const Tensor& features) override;
  std::string describe() const override { return "node features of one graph"; }

 private:
  nn::Module& model_;
  TensorDict graph_;
  int64_t nodes_, features_;
};

// P copies of one graph as one batch: node ids offset per copy, batch = copy index.
TensorDict repeat_graph(const TensorDict& graph, int64_t copies);

// True when the model's output moves with the edge weights (it has a layer that reads them).
bool reads_edge_weights(nn::Module& model);

// The attributions of one graph, both directions of an undirected edge summed (PyG's
// aggregate_edge_directions) and node attributions summed over features.
struct GraphAttribution {
  std::vector<std::pair<int64_t, int64_t>> edges;  // (a, b), a < b, in order of first appearance
  std::vector<double> edge_attribution;            // per undirected edge
  std::vector<double> node_attribution;            // per node
};

// method: "ig" (integrated gradients, options as given: 50 Gauss-Legendre steps, zero baseline)
// or "saliency" (|gradient| at the graph as given). Throws ExplainError naming the problem.
GraphAttribution attribute_graph(nn::Module& model, const TensorDict& graph, const Target& target,
                                 const std::string& method,
                                 const IntegratedGradientsOptions& options = {});

// ROC-AUC of scores against 0/1 labels (ties count half); NaN when one class is absent.
double roc_auc(const std::vector<double>& scores, const std::vector<int>& labels);

}  // namespace scidl::explain
