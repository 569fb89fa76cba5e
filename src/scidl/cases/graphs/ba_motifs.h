// BA-2Motifs (Luo et al., PGExplainer, NeurIPS 2020; PyG's BA2MotifDataset): graphs whose class
// is a planted motif, so an explanation has a known answer edge by edge. Each graph is a
// Barabási–Albert tree of 20 nodes (preferential attachment, one edge per new node) with a
// five-node motif joined to it by one edge from a random base node to a random motif node: a
// house (class 0; PyG's HouseMotif edges 0-1, 0-3, 0-4, 1-4, 1-2, 2-3) or a 5-cycle (class 1).
// Half the graphs of each class, in random order. Node features are constant, so only the
// structure tells the classes apart.
#pragma once
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace scidl::sci {

struct MotifGraph {
  int64_t nodes = 0;
  std::vector<std::pair<int64_t, int64_t>> edges;  // undirected, each once
  std::vector<bool> in_motif;                      // per edge: both ends in the motif
  int64_t label = 0;                               // 0 house, 1 cycle
};

std::vector<MotifGraph> make_ba2_motifs(int64_t graphs, uint64_t seed, int64_t base_nodes = 20);

// DIR/NAME_A.txt (both directions of every edge), NAME_graph_indicator.txt,
// NAME_graph_labels.txt (the TU format `[data] source = "tu"` reads) and
// NAME_edge_ground_truth.txt (1 where a line of NAME_A.txt is a motif edge, else 0), NAME the
// folder's name. Returns the files written.
std::vector<std::filesystem::path> write_tu_motifs(const std::filesystem::path& dir,
                                                   const std::vector<MotifGraph>& graphs);

}  // namespace scidl::sci
