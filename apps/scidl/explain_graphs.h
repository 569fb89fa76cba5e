// The graph side of `scidl explain`: --data is a folder in the TU format (as `scidl graphs
// generate` writes, or a TU download), the model a graph network. Each graph's predicted class
// (or --target) is explained by integrated gradients or saliency on its edges (an all-ones edge
// mask as edge weights; both directions of an undirected edge summed) and on its node features
// (summed per node). Writes OUT/edges.csv (graph, node_a, node_b, attribution), OUT/nodes.csv
// (graph, node, attribution). What is explained of a classifier is its logit, log-probability
// or log-odds (--score, explain/class_score.h). When the folder marks the true edges
// (NAME_edge_ground_truth.txt), the ROC-AUC of the attribution (evidence for the explained
// class; signed, as the motif is evidence for and the rest against) against them per graph
// (OUT/edge_auc.csv) and their mean. The graphs explained are the run's held-out ones when the
// model sits in a run folder with validation_split.json, else all (or the first --limit); an
// ensemble's runs must have held out the same graphs.
#pragma once
#include <string>
#include <vector>

namespace scidl::cli {

struct GraphExplainSettings {
  std::vector<std::string> models;  // several: an ensemble, the mean of their outputs
  std::string data, method = "ig", rule = "gausslegendre", out;
  std::string score = "logit";  // logit, log_probability or log_odds (classifiers)
  int steps = 50;
  int64_t limit = 0, target = 0;
  bool has_target = false;
};

void explain_graphs(const GraphExplainSettings& s);

}  // namespace scidl::cli
