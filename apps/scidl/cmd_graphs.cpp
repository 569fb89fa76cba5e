// scidl graphs generate --motifs ba2 [--graphs 1000] [--seed 0] --out DIR: BA-2Motifs (a
// Barabási–Albert tree with a house or a 5-cycle planted; the class is the motif) in the TU
// text format, with the motif edges marked in DIR/NAME_edge_ground_truth.txt for scoring
// explanations. Train on it with `[data] source = "tu"`, path = DIR
// (examples/graphs/ba2motifs.toml).
#include <fmt/core.h>

#include "command.h"
#include "option_ranges.h"
#include "scidl/cases/graphs/ba_motifs.h"

namespace {

struct GenerateArgs {
  std::string motifs = "ba2", out;
  int64_t graphs = 1000;
  uint64_t seed = 0;
};

void generate(const GenerateArgs& a) {
  if (a.motifs != "ba2")
    throw std::invalid_argument(
        fmt::format("unknown motif set '{}': scidl generates ba2 (BA-2Motifs)", a.motifs));
  const auto graphs = scidl::sci::make_ba2_motifs(a.graphs, a.seed);
  int64_t houses = 0, edges = 0;
  for (const auto& g : graphs) {
    houses += g.label == 0;
    edges += static_cast<int64_t>(g.edges.size());
  }
  for (const auto& f : scidl::sci::write_tu_motifs(a.out, graphs))
    fmt::print("-> {}\n", f.string());
  fmt::print(
      "BA-2Motifs: {} graphs of 25 nodes ({} houses = class 0, {} 5-cycles = class 1), "
      "{} undirected edges, seed {}\n",
      graphs.size(), houses, graphs.size() - static_cast<size_t>(houses), edges, a.seed);
}

SCIDL_COMMAND([](CLI::App& app) {
  auto* cmd = app.add_subcommand("graphs", "Graph datasets with known explanations");
  cmd->require_subcommand(1);
  auto a = std::make_shared<GenerateArgs>();
  auto* gen = cmd->add_subcommand("generate",
                                  "Planted-motif graphs in the TU format, the motif edges marked");
  gen->add_option("--motifs", a->motifs, "ba2: BA-2Motifs (house or 5-cycle on a BA tree)")
      ->capture_default_str();
  gen->add_option("--graphs", a->graphs, "number of graphs (half of each class)")
      ->capture_default_str()
      ->check(CLI::Range(int64_t{2}, int64_t{10'000'000}));
  gen->add_option("--seed", a->seed, "random seed")
      ->capture_default_str()
      ->check(scidl::cli::seed_range());
  gen->add_option("--out", a->out, "output folder (its name is the dataset's NAME)")->required();
  gen->callback([a] { generate(*a); });
});

}  // namespace
