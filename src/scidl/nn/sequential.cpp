#include "scidl/nn/sequential.h"

#include "scidl/nn/fusion.h"
#include "scidl/nn/message_passing.h"

namespace scidl::nn {

Sequential::Sequential(std::vector<ModulePtr> modules) {
  for (auto& m : modules) push_back(std::move(m));
}

void Sequential::push_back(ModulePtr m) { register_module(std::to_string(size()), std::move(m)); }

std::vector<Module*> Sequential::as_chain() {
  std::vector<Module*> chain;
  for (const auto& [name, m] : children()) chain.push_back(m.get());
  return chain;
}

Tensor Sequential::forward(const Tensor& x) { return forward_fused(as_chain(), x); }

// A batch of graphs: graph layers get the graph, the runs of other layers between them go
// through the fusion pass on the node (after pooling, graph) features.
Tensor Sequential::forward_batch(const TensorDict& batch) {
  if (!batch.contains("edge_index")) return forward(batch.get("x"));
  Tensor h = batch.get("x");
  const GraphBatch graph = GraphBatch::from(batch, h.dim() > 0 ? h.shape()[0] : 0);
  std::vector<Module*> run;
  for (Module* m : as_chain()) {
    auto* layer = dynamic_cast<GraphModule*>(m);
    if (!layer) {
      run.push_back(m);
      continue;
    }
    if (!run.empty()) h = forward_fused(run, h);
    run.clear();
    h = layer->forward_graph(h, graph);
  }
  return run.empty() ? h : forward_fused(run, h);
}

}  // namespace scidl::nn
