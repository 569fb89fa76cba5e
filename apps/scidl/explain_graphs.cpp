#include "explain_graphs.h"

#include <fmt/format.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "scidl/autograd/grad_mode.h"
#include "scidl/data/csv.h"
#include "scidl/data/tu_dataset.h"
#include "scidl/explain/graph_attribution.h"
#include "scidl/nn/model_io.h"
#include "scidl/ops/ops.h"

namespace scidl::cli {

namespace {

namespace fs = std::filesystem;
using explain::ExplainError;

// The true edges of NAME_edge_ground_truth.txt, keyed by the undirected edge (0-based global
// node ids); empty when the file is absent.
std::map<std::pair<int64_t, int64_t>, int> ground_truth(const fs::path& dir,
                                                        const std::string& name) {
  std::map<std::pair<int64_t, int64_t>, int> truth;
  const fs::path a = dir / (name + "_A.txt"), t = dir / (name + "_edge_ground_truth.txt");
  if (!fs::exists(t)) return truth;
  std::ifstream fa(a), ft(t);
  std::string la, lt;
  for (int64_t line = 1; std::getline(fa, la); ++line) {
    if (!std::getline(ft, lt))
      throw ExplainError(
          fmt::format("'{}' has fewer lines than '{}' (line {})", t.string(), a.string(), line));
    int64_t i = 0, j = 0;
    if (std::sscanf(la.c_str(), "%ld , %ld", &i, &j) != 2)
      throw ExplainError(fmt::format("{}:{}: cannot read an edge", a.string(), line));
    truth[std::minmax(i - 1, j - 1)] |= (lt.find('1') != std::string::npos);
  }
  return truth;
}

std::vector<int64_t> graphs_to_explain(const GraphExplainSettings& s, int64_t graphs,
                                       std::string& which) {
  const fs::path split = fs::path(s.model).parent_path() / "validation_split.json";
  std::vector<int64_t> ids;
  if (fs::exists(split)) {
    const auto j = nlohmann::json::parse(std::ifstream(split));
    if (j.contains("rows")) ids = j["rows"].get<std::vector<int64_t>>();
    which = fmt::format("the run's {} held-out graphs ({})", ids.size(), split.string());
  }
  if (ids.empty()) {
    for (int64_t g = 0; g < graphs; ++g) ids.push_back(g);
    which = fmt::format("all {} graphs", graphs);
  }
  for (int64_t g : ids)
    if (g < 0 || g >= graphs)
      throw ExplainError(
          fmt::format("'{}' names graph {}, but the data has {} graphs: it belongs "
                      "to another dataset",
                      split.string(), g, graphs));
  if (s.limit > 0 && static_cast<int64_t>(ids.size()) > s.limit) {
    ids.resize(static_cast<size_t>(s.limit));
    which += fmt::format(", the first {}", s.limit);
  }
  return ids;
}

}  // namespace

void explain_graphs(const GraphExplainSettings& s) {
  const fs::path dir = fs::path(s.data);
  const std::string name = fs::absolute(dir).lexically_normal().filename().string();
  const auto tu = data::read_tu_dataset(dir, name);
  auto loaded = io::load_model(s.model);
  loaded.model->eval();
  const auto& set = *tu.data.graphs;
  std::string which;
  const auto ids = graphs_to_explain(s, set.size(), which);
  const auto truth = ground_truth(dir, name);
  explain::IntegratedGradientsOptions ig;
  ig.n_steps = s.steps;
  ig.rule = explain::parse_integration_rule(s.rule);
  fs::create_directories(s.out);
  std::vector<double> edge_rows, node_rows, auc_rows;
  double auc_sum = 0;
  int64_t auc_count = 0, correct = 0;
  const auto labels = tu.data.y.to_vector<int64_t>();
  for (int64_t g : ids) {
    const TensorDict graph = set.collate(from_vector(std::vector<int64_t>{g}, {1}));
    int64_t predicted;
    {
      NoGradGuard no_grad;
      predicted = argmax(loaded.model->forward_batch(graph), 1).to_vector<int64_t>()[0];
    }
    correct += predicted == labels[size_t(g)];
    const int64_t target = s.has_target ? s.target : predicted;
    const auto a = explain::attribute_graph(*loaded.model, graph, target, s.method, ig);
    const int64_t first = set.node_offset[size_t(g)];
    std::vector<double> scores;
    std::vector<int> is_true;
    for (size_t k = 0; k < a.edges.size(); ++k) {
      const auto [u, v] = a.edges[k];
      edge_rows.insert(edge_rows.end(), {double(g), double(u), double(v), a.edge_attribution[k]});
      if (!truth.empty()) {
        const auto it = truth.find({u + first, v + first});
        scores.push_back(a.edge_attribution[k]);  // evidence for the explained class
        is_true.push_back(it != truth.end() && it->second);
      }
    }
    for (size_t n = 0; n < a.node_attribution.size(); ++n)
      node_rows.insert(node_rows.end(), {double(g), double(n), a.node_attribution[n]});
    if (!truth.empty()) {
      const double auc = explain::roc_auc(scores, is_true);
      auc_rows.insert(auc_rows.end(),
                      {double(g), double(labels[size_t(g)]), double(predicted), auc});
      if (std::isfinite(auc)) auc_sum += auc, ++auc_count;
    }
  }
  const fs::path out(s.out);
  data::write_csv(out / "edges.csv", {"graph", "node_a", "node_b", "attribution"},
                  static_cast<int64_t>(edge_rows.size() / 4), 4, edge_rows.data());
  data::write_csv(out / "nodes.csv", {"graph", "node", "attribution"},
                  static_cast<int64_t>(node_rows.size() / 3), 3, node_rows.data());
  fmt::print("{} of {} ({}) on edges and node features; accuracy on them {:.1f}% -> {}, {}\n",
             s.method == "ig" ? "integrated gradients" : "saliency", which, s.model,
             100.0 * double(correct) / double(ids.size()), (out / "edges.csv").string(),
             (out / "nodes.csv").string());
  if (!truth.empty()) {
    data::write_csv(out / "edge_auc.csv", {"graph", "label", "predicted", "roc_auc"},
                    static_cast<int64_t>(auc_rows.size() / 4), 4, auc_rows.data());
    fmt::print("edge ROC-AUC against the true edges ({}): mean {:.4f} over {} graphs -> {}\n",
               (dir / (name + "_edge_ground_truth.txt")).string(),
               auc_count ? auc_sum / double(auc_count) : std::nan(""), auc_count,
               (out / "edge_auc.csv").string());
  }
}

}  // namespace scidl::cli
