#include "scidl/cases/graphs/ba_motifs.h"

#include "scidl/io/file_io.h"

#include <fmt/format.h>

#include <algorithm>
#include <random>
#include <stdexcept>

namespace scidl::sci {

namespace {

// Preferential attachment with one edge per new node: the target is drawn uniformly from the
// list of edge endpoints, so with probability proportional to its degree (as PyG's
// barabasi_albert_graph draws from the endpoint list).
void barabasi_albert_tree(int64_t n, std::mt19937_64& rng, MotifGraph& g) {
  std::vector<int64_t> endpoints{0, 1};
  g.edges.push_back({0, 1});
  for (int64_t v = 2; v < n; ++v) {
    const int64_t u =
        endpoints[std::uniform_int_distribution<size_t>(0, endpoints.size() - 1)(rng)];
    g.edges.push_back({u, v});
    endpoints.push_back(u);
    endpoints.push_back(v);
  }
}

}  // namespace

std::vector<MotifGraph> make_ba2_motifs(int64_t graphs, uint64_t seed, int64_t base_nodes) {
  if (graphs < 2 || graphs > 10'000'000)
    throw std::invalid_argument(fmt::format(
        "BA-2Motifs: the number of graphs must be from 2 to 10,000,000, got {}", graphs));
  if (base_nodes < 2 || base_nodes > 100'000)
    throw std::invalid_argument(
        fmt::format("BA-2Motifs: the base graph needs 2 to 100,000 nodes, got {}", base_nodes));
  std::mt19937_64 rng(seed);
  std::vector<int64_t> labels(static_cast<size_t>(graphs));
  for (int64_t i = 0; i < graphs; ++i) labels[size_t(i)] = i < graphs / 2 ? 0 : 1;
  std::shuffle(labels.begin(), labels.end(), rng);
  static const std::vector<std::pair<int64_t, int64_t>> house{{0, 1}, {0, 3}, {0, 4},
                                                              {1, 4}, {1, 2}, {2, 3}};
  static const std::vector<std::pair<int64_t, int64_t>> cycle{
      {0, 1}, {1, 2}, {2, 3}, {3, 4}, {4, 0}};
  std::vector<MotifGraph> out;
  for (int64_t label : labels) {
    MotifGraph g;
    g.label = label;
    barabasi_albert_tree(base_nodes, rng, g);
    g.in_motif.assign(g.edges.size(), false);
    for (const auto& [a, b] : label == 0 ? house : cycle) {
      g.edges.push_back({base_nodes + a, base_nodes + b});
      g.in_motif.push_back(true);
    }
    const int64_t anchor = std::uniform_int_distribution<int64_t>(0, base_nodes - 1)(rng);
    const int64_t joint = base_nodes + std::uniform_int_distribution<int64_t>(0, 4)(rng);
    g.edges.push_back({anchor, joint});
    g.in_motif.push_back(false);
    g.nodes = base_nodes + 5;
    out.push_back(std::move(g));
  }
  return out;
}

std::vector<std::filesystem::path> write_tu_motifs(const std::filesystem::path& dir,
                                                   const std::vector<MotifGraph>& graphs) {
  std::filesystem::create_directories(dir);
  const std::string name = std::filesystem::absolute(dir).lexically_normal().filename().string();
  auto path = [&](const char* what) { return dir / fmt::format("{}_{}.txt", name, what); };
  std::string a, truth, indicator, labels;
  int64_t first = 1;
  for (size_t g = 0; g < graphs.size(); ++g) {
    const auto& graph = graphs[g];
    for (size_t e = 0; e < graph.edges.size(); ++e)
      for (int direction = 0; direction < 2; ++direction) {
        const auto [u, v] = graph.edges[e];
        a += fmt::format("{}, {}\n", first + (direction ? v : u), first + (direction ? u : v));
        truth += graph.in_motif[e] ? "1\n" : "0\n";
      }
    for (int64_t n = 0; n < graph.nodes; ++n) indicator += fmt::format("{}\n", g + 1);
    labels += fmt::format("{}\n", graph.label);
    first += graph.nodes;
  }
  std::vector<std::filesystem::path> files;
  for (const auto& [what, text] :
       {std::pair{"A", &a}, std::pair{"edge_ground_truth", &truth},
        std::pair{"graph_indicator", &indicator}, std::pair{"graph_labels", &labels}}) {
    io::AtomicFileWriter out(path(what));
    out.write(*text);
    out.commit();
    files.push_back(path(what));
  }
  return files;
}

}  // namespace scidl::sci
