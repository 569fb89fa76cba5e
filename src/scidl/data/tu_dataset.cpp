#include "scidl/data/tu_dataset.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <set>

namespace scidl::data {

namespace {

namespace fs = std::filesystem;

// Rows of comma-separated numbers; an empty file gives no rows. Throws with file:line.
std::vector<std::vector<double>> read_rows(const fs::path& path) {
  std::ifstream in(path);
  if (!in) throw std::invalid_argument(fmt::format("cannot open '{}'", path.string()));
  std::vector<std::vector<double>> rows;
  std::string line;
  for (int64_t number = 1; std::getline(in, line); ++number) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find_first_not_of(" \t") == std::string::npos) continue;
    std::vector<double> row;
    size_t start = 0;
    while (start <= line.size()) {
      const size_t comma = std::min(line.find(',', start), line.size());
      std::string cell = line.substr(start, comma - start);
      const auto a = cell.find_first_not_of(" \t"), b = cell.find_last_not_of(" \t");
      cell = a == std::string::npos ? "" : cell.substr(a, b - a + 1);
      try {
        size_t used = 0;
        const double v = std::stod(cell, &used);
        if (used != cell.size() || !std::isfinite(v)) throw std::invalid_argument("");
        row.push_back(v);
      } catch (const std::exception&) {
        throw std::invalid_argument(
            fmt::format("{}:{}: cannot read '{}' as a number", path.string(), number, cell));
      }
      start = comma + 1;
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

int64_t as_id(double v, const fs::path& path, size_t line) {
  if (v != std::floor(v) || std::abs(v) > 1e15)  // ids and labels: whole, and exact in a double
    throw std::invalid_argument(fmt::format("{}:{}: {} is not a whole number from -1e15 to 1e15",
                                            path.string(), line + 1, v));
  return static_cast<int64_t>(v);
}

// Each column shifted to start at 0 and one-hot encoded, the columns side by side (PyG).
std::vector<std::vector<double>> one_hot_columns(const std::vector<std::vector<double>>& rows,
                                                 const fs::path& path) {
  std::vector<std::vector<double>> out(rows.size());
  if (rows.empty()) return out;
  const size_t cols = rows[0].size();
  for (size_t c = 0; c < cols; ++c) {
    int64_t lo = INT64_MAX, hi = INT64_MIN;
    for (size_t r = 0; r < rows.size(); ++r) {
      if (rows[r].size() != cols)
        throw std::invalid_argument(fmt::format("{}:{}: {} columns, the first line has {}",
                                                path.string(), r + 1, rows[r].size(), cols));
      const int64_t v = as_id(rows[r][c], path, r);
      lo = std::min(lo, v), hi = std::max(hi, v);
    }
    if (hi - lo >= 100000)
      throw std::invalid_argument(
          fmt::format("{}: labels of column {} run from {} to {}: too many to one-hot encode",
                      path.string(), c + 1, lo, hi));
    for (size_t r = 0; r < rows.size(); ++r) {
      std::vector<double> hot(static_cast<size_t>(hi - lo + 1), 0.0);
      hot[static_cast<size_t>(as_id(rows[r][c], path, r) - lo)] = 1.0;
      out[r].insert(out[r].end(), hot.begin(), hot.end());
    }
  }
  return out;
}

}  // namespace

TuDataset read_tu_dataset(const fs::path& dir, const std::string& name, bool use_node_attributes) {
  auto file = [&](const char* suffix) { return dir / (name + "_" + suffix + ".txt"); };
  // Graph attributes (real-valued targets: a regression) take precedence over labels, as PyG's.
  const bool regression = fs::exists(file("graph_attributes"));
  for (const char* required : {"A", "graph_indicator", regression ? "A" : "graph_labels"})
    if (!fs::exists(file(required)))
      throw std::invalid_argument(
          fmt::format("'{}' is missing: a TU dataset needs {}_A.txt, {}_graph_indicator.txt and "
                      "{}_graph_labels.txt (or _graph_attributes.txt) in {}",
                      file(required).string(), name, name, name, dir.string()));
  const auto a = read_rows(file("A"));
  const auto indicator = read_rows(file("graph_indicator"));
  const fs::path target_file = regression ? file("graph_attributes") : file("graph_labels");
  const auto labels = read_rows(target_file);
  const auto n = static_cast<int64_t>(indicator.size());
  // Nodes: graph ids, consecutive and starting at 1.
  std::vector<int64_t> graph_of(static_cast<size_t>(n));
  int64_t graphs = 0;
  for (size_t i = 0; i < indicator.size(); ++i) {
    const int64_t g = as_id(indicator[i].at(0), file("graph_indicator"), i);
    if (g < graphs || g > graphs + 1 || g < 1)
      throw std::invalid_argument(fmt::format(
          "{}:{}: graph {} after graph {}: the nodes of each graph must be consecutive, graphs "
          "numbered from 1 in order",
          file("graph_indicator").string(), i + 1, g, graphs));
    graphs = g;
    graph_of[i] = g - 1;
  }
  if (static_cast<int64_t>(labels.size()) != graphs)
    throw std::invalid_argument(
        fmt::format("'{}' has {} lines but '{}' names {} graphs; they must agree",
                    target_file.string(), labels.size(), file("graph_indicator").string(), graphs));
  // Edges: 0-based, self-loops dropped, duplicates merged, sorted (PyG's coalesce).
  std::set<std::pair<int64_t, int64_t>> edges;
  TuDataset out;
  for (size_t k = 0; k < a.size(); ++k) {
    if (a[k].size() != 2)
      throw std::invalid_argument(
          fmt::format("{}:{}: an edge is two node ids \"i, j\", got {} values", file("A").string(),
                      k + 1, a[k].size()));
    const int64_t i = as_id(a[k][0], file("A"), k) - 1, j = as_id(a[k][1], file("A"), k) - 1;
    for (int64_t v : {i, j})
      if (v < 0 || v >= n)
        throw std::invalid_argument(
            fmt::format("{}:{}: node {} is out of range: '{}' lists {} nodes (1 to {})",
                        file("A").string(), k + 1, v + 1, file("graph_indicator").string(), n, n));
    if (graph_of[size_t(i)] != graph_of[size_t(j)])
      throw std::invalid_argument(fmt::format("{}:{}: the edge joins nodes of graphs {} and {}",
                                              file("A").string(), k + 1, graph_of[size_t(i)] + 1,
                                              graph_of[size_t(j)] + 1));
    if (i == j) {
      ++out.removed_self_loops;
      continue;
    }
    if (!edges.insert({i, j}).second) ++out.merged_duplicates;
  }
  // Node features: attributes (if asked), then the one-hot node labels; ones without either.
  std::vector<std::vector<double>> features(static_cast<size_t>(n));
  std::vector<std::string> names;
  auto append = [&](const std::vector<std::vector<double>>& rows, const fs::path& path,
                    const std::string& prefix) {
    if (static_cast<int64_t>(rows.size()) != n)
      throw std::invalid_argument(fmt::format("'{}' has {} lines but '{}' has {} (one per node)",
                                              path.string(), rows.size(),
                                              file("graph_indicator").string(), n));
    const size_t width = rows.empty() ? 0 : rows[0].size();
    for (size_t r = 0; r < rows.size(); ++r) {
      if (rows[r].size() != width)
        throw std::invalid_argument(fmt::format("{}:{}: {} values, the first line has {}",
                                                path.string(), r + 1, rows[r].size(), width));
      features[r].insert(features[r].end(), rows[r].begin(), rows[r].end());
    }
    for (size_t c = 0; c < width; ++c) names.push_back(fmt::format("{}{}", prefix, c));
  };
  if (use_node_attributes && fs::exists(file("node_attributes")))
    append(read_rows(file("node_attributes")), file("node_attributes"), "attribute_");
  if (fs::exists(file("node_labels")))
    append(one_hot_columns(read_rows(file("node_labels")), file("node_labels")),
           file("node_labels"), "label_");
  if (names.empty())
    append(std::vector<std::vector<double>>(size_t(n), {1.0}), file("graph_indicator"), "one");
  const auto width = static_cast<int64_t>(names.size());
  std::vector<double> x;
  x.reserve(static_cast<size_t>(n * width));
  for (const auto& row : features) x.insert(x.end(), row.begin(), row.end());

  auto set = std::make_shared<GraphSet>();
  set->x = from_vector(x, {n, width}, DType::Float32);
  set->feature_names = names;
  std::vector<int64_t> src, dst;
  set->node_offset.assign(static_cast<size_t>(graphs + 1), 0);
  for (int64_t v = 0; v < n; ++v) ++set->node_offset[size_t(graph_of[size_t(v)] + 1)];
  set->edge_offset.assign(static_cast<size_t>(graphs + 1), 0);
  for (const auto& [i, j] : edges) {  // sorted by source, so by graph
    src.push_back(i);
    dst.push_back(j);
    ++set->edge_offset[size_t(graph_of[size_t(i)] + 1)];
  }
  for (int64_t g = 0; g < graphs; ++g) {
    set->node_offset[size_t(g + 1)] += set->node_offset[size_t(g)];
    set->edge_offset[size_t(g + 1)] += set->edge_offset[size_t(g)];
  }
  const auto m = static_cast<int64_t>(src.size());
  src.insert(src.end(), dst.begin(), dst.end());
  set->edge_index = from_vector(src, {2, m});
  set->validate(fmt::format("TU dataset '{}' in {}", name, dir.string()));

  std::vector<int64_t> ids(static_cast<size_t>(graphs));
  for (int64_t g = 0; g < graphs; ++g) ids[size_t(g)] = g;
  out.data.x = from_vector(ids, {graphs});
  out.data.graphs = set;
  out.data.x_names = names;
  if (regression) {
    const size_t width = labels.empty() ? 0 : labels[0].size();
    std::vector<double> y;
    for (size_t g = 0; g < labels.size(); ++g) {
      if (labels[g].size() != width)
        throw std::invalid_argument(fmt::format("{}:{}: {} values, the first line has {}",
                                                target_file.string(), g + 1, labels[g].size(),
                                                width));
      y.insert(y.end(), labels[g].begin(), labels[g].end());
    }
    out.data.y = from_vector(y, {graphs, static_cast<int64_t>(width)}, DType::Float32);
    for (size_t c = 0; c < width; ++c) out.data.y_names.push_back(fmt::format("target_{}", c));
    return out;
  }
  // Labels renumbered 0..C-1 in sorted order.
  std::map<double, int64_t> classes;
  for (const auto& l : labels) classes.emplace(l.at(0), 0);
  for (auto& [value, index] : classes) {
    index = out.classes++;
    out.class_values.push_back(value);
  }
  std::vector<int64_t> y;
  for (const auto& l : labels) y.push_back(classes.at(l.at(0)));
  out.data.y = from_vector(y, {graphs});
  out.data.y_names = {"class"};
  return out;
}

}  // namespace scidl::data
