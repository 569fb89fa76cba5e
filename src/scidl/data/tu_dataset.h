// The TUDataset text format (Morris et al., chrsmrrs.github.io/datasets/docs/format) read with
// PyTorch Geometric's preprocessing (torch_geometric/io/tu.py): DIR/NAME_A.txt ("i, j" per edge,
// 1-based node ids), NAME_graph_indicator.txt (a 1-based graph id per node), NAME_graph_labels.txt
// (a label per graph, renumbered 0..C-1 in sorted order); optional NAME_node_labels.txt (one or
// more columns, each shifted to start at 0 and one-hot encoded: the node features) and
// NAME_node_attributes.txt (used, before the one-hot labels, when use_node_attributes).
// Self-loops are removed and duplicate edges merged, as PyG's coalesce does. Graphs with no
// edges, isolated nodes and self-loops in the files all load.
#pragma once
#include <filesystem>
#include <string>
#include <vector>

#include "scidl/data/dataset.h"

namespace scidl::data {

struct TuDataset {
  Dataset data;  // x = graph ids, y = int64 class per graph, graphs = the GraphSet
  int64_t classes = 0;
  std::vector<double> class_values;  // the file's label of each class
  int64_t removed_self_loops = 0, merged_duplicates = 0;
};

// Throws naming the file and line of anything malformed: a bad number, an edge id out of range,
// files whose line counts disagree (both files and counts named), graphs whose nodes are not
// consecutive.
TuDataset read_tu_dataset(const std::filesystem::path& dir, const std::string& name,
                          bool use_node_attributes = false);

}  // namespace scidl::data
