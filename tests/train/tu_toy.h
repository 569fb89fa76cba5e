// A small TU-format dataset the graph tests write themselves: rings (label 7) and paths
// (label 3) of 4 to 8 nodes, node labels marking path ends, plus a self-loop and a duplicate edge
// as real files have.
#pragma once
#include <fmt/format.h>

#include <filesystem>
#include <string>

#include "../test_util.h"

namespace scidl::testing {

// Graphs of class "7" are rings, class "3" are paths; node labels mark the ends of a path
// (label 5) and inner nodes (label 2), every ring node is 2. Graph sizes 4 to 8.
inline void write_rings_and_paths(const std::filesystem::path& dir, int graphs) {
  std::string a, indicator, graph_labels, node_labels;
  int node = 1;
  for (int g = 1; g <= graphs; ++g) {
    const int n = 4 + g % 5;
    const bool ring = g % 2 == 0;
    for (int i = 0; i < n; ++i) {
      indicator += fmt::format("{}\n", g);
      node_labels += fmt::format("{}\n", !ring && (i == 0 || i == n - 1) ? 5 : 2);
    }
    for (int i = 0; i + 1 < n + (ring ? 1 : 0); ++i) {
      const int u = node + i, v = node + (i + 1) % n;
      a += fmt::format("{}, {}\n{}, {}\n", u, v, v, u);
    }
    graph_labels += fmt::format("{}\n", ring ? 7 : 3);
    node += n;
  }
  a += "1, 1\n1, 2\n";  // a self-loop and a duplicate edge, as real files have
  write_text(dir / "TOY_A.txt", a);
  write_text(dir / "TOY_graph_indicator.txt", indicator);
  write_text(dir / "TOY_graph_labels.txt", graph_labels);
  write_text(dir / "TOY_node_labels.txt", node_labels);
}

}  // namespace scidl::testing
