#include "explain_graphs.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "scidl/autograd/grad_mode.h"
#include "scidl/data/csv.h"
#include "scidl/data/molecule_drawing.h"
#include "scidl/data/tu_dataset.h"
#include "scidl/explain/class_score.h"
#include "scidl/explain/graph_attribution.h"
#include "scidl/io/file_io.h"
#include "scidl/nn/mean_of_models.h"
#include "scidl/nn/model_io.h"
#include "scidl/nn/model_spec.h"
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

// One value per line (a node's ground truth, a node's element); empty when the file is absent.
std::vector<std::string> lines_of(const fs::path& path) {
  std::vector<std::string> out;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

// Whole or not at all (io::AtomicFileWriter), as every file scidl writes.
void write_file(const fs::path& path, const std::string& bytes) {
  io::AtomicFileWriter out(path);
  out.write(bytes);
  out.commit();
}

double pearson(const std::vector<double>& a, const std::vector<double>& b) {
  const double n = static_cast<double>(a.size());
  double ma = 0, mb = 0;
  for (size_t i = 0; i < a.size(); ++i) ma += a[i] / n, mb += b[i] / n;
  double sab = 0, saa = 0, sbb = 0;
  for (size_t i = 0; i < a.size(); ++i)
    sab += (a[i] - ma) * (b[i] - mb), saa += (a[i] - ma) * (a[i] - ma),
        sbb += (b[i] - mb) * (b[i] - mb);
  return sab / std::sqrt(saa * sbb);
}

std::vector<int64_t> graphs_to_explain(const GraphExplainSettings& s, int64_t graphs,
                                       std::string& which) {
  const auto split_of = [](const std::string& model) {
    return fs::path(model).parent_path() / "validation_split.json";
  };
  const auto held_out = [&](const std::string& model) {
    const fs::path split = split_of(model);
    if (!fs::exists(split)) return std::vector<int64_t>{};
    const auto j = nlohmann::json::parse(std::ifstream(split));
    return j.contains("rows") ? j["rows"].get<std::vector<int64_t>>() : std::vector<int64_t>{};
  };
  const fs::path split = split_of(s.models[0]);
  std::vector<int64_t> ids = held_out(s.models[0]);
  for (size_t k = 1; k < s.models.size(); ++k)
    if (held_out(s.models[k]) != ids)
      throw ExplainError(fmt::format(
          "the runs of '{}' and '{}' held out other graphs ({}): train an ensemble's members "
          "with the same data.split_seed",
          s.models[0], s.models[k],
          fs::exists(split_of(s.models[k])) ? split_of(s.models[k]).string()
                                            : "one has no validation_split.json"));
  if (fs::exists(split))
    which = fmt::format("the run's {} held-out graphs ({})", ids.size(), split.string());
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
  auto loaded = nn::load_mean_of_models({s.models.begin(), s.models.end()});
  loaded.model->eval();
  // Node attributes feed the model when the folder has them and the model was trained on them
  // (the molecules' atom features); else the one-hot labels alone, as PyG reads by default.
  const bool has_attributes = fs::exists(dir / (name + "_node_attributes.txt"));
  auto tu = data::read_tu_dataset(dir, name, has_attributes);
  const auto inputs = nn::model_inputs(loaded.spec);
  if (has_attributes && !inputs.empty() && inputs[0].second.size() == 1 &&
      inputs[0].second[0] != tu.data.graphs->features())
    tu = data::read_tu_dataset(dir, name, /*use_node_attributes=*/false);
  const auto& set = *tu.data.graphs;
  std::string which;
  const auto ids = graphs_to_explain(s, set.size(), which);
  const auto truth = ground_truth(dir, name);
  explain::IntegratedGradientsOptions ig;
  ig.n_steps = s.steps;
  ig.rule = explain::parse_integration_rule(s.rule);
  // Molecules (scidl molecules prepare) carry each atom's element, its TPSA contribution and
  // the row of the SMILES file it came from.
  const auto node_truth_text = lines_of(dir / (name + "_node_ground_truth.txt"));
  const auto elements = lines_of(dir / (name + "_elements.txt"));
  const auto molecule_table = lines_of(dir / (name + "_molecules.csv"));
  const bool molecules = !elements.empty();
  const bool regression = tu.data.y.dtype() != DType::Int64;
  const auto score = explain::parse_class_score(s.score);
  if (regression && score != explain::ClassScore::Logit)
    throw ExplainError(fmt::format(
        "--score {} explains a classifier's class; '{}' holds regression targets (explain the "
        "output as it is: --score logit)",
        s.score, dir.string()));
  explain::ClassScoreModel scored(loaded.model, score);
  fs::create_directories(s.out);
  std::vector<double> edge_rows, node_rows, auc_rows, pooled_attr, pooled_truth;
  std::string atoms_csv = "molecule,atom,element,attribution\n",
              bonds_csv = "molecule,atom_a,atom_b,attribution\n";
  double auc_sum = 0, node_auc_sum = 0, squared_error = 0;
  int64_t auc_count = 0, node_auc_count = 0, correct = 0, drawn = 0;
  constexpr int64_t kDrawings = 12;  // molecules drawn (the first explained)
  const auto labels = regression ? std::vector<int64_t>{} : tu.data.y.to_vector<int64_t>();
  const auto values = regression ? tu.data.y.to_vector<double>() : std::vector<double>{};
  for (int64_t g : ids) {
    const TensorDict graph = set.collate(from_vector(std::vector<int64_t>{g}, {1}));
    int64_t predicted = 0;
    {
      NoGradGuard no_grad;
      const Tensor out = loaded.model->forward_batch(graph);
      if (regression) {
        const double e = out.to_vector<double>()[0] - values[size_t(g)];
        squared_error += e * e;
      } else {
        predicted = argmax(out, 1).to_vector<int64_t>()[0];
        correct += predicted == labels[size_t(g)];
      }
    }
    const int64_t target = s.has_target ? s.target : predicted;
    const auto a = explain::attribute_graph(scored, graph, target, s.method, ig);
    const int64_t first = set.node_offset[size_t(g)];
    // The molecule's row in the SMILES file (molecules.csv: row,line,id,smiles), else the graph.
    double row = double(g);
    if (molecules && size_t(g + 1) < molecule_table.size())
      row = std::stod(
          molecule_table[size_t(g + 1)].substr(0, molecule_table[size_t(g + 1)].find(',')));
    std::vector<double> scores;
    std::vector<int> is_true;
    for (size_t k = 0; k < a.edges.size(); ++k) {
      const auto [u, v] = a.edges[k];
      edge_rows.insert(edge_rows.end(), {double(g), double(u), double(v), a.edge_attribution[k]});
      if (molecules) bonds_csv += fmt::format("{},{},{},{}\n", row, u, v, a.edge_attribution[k]);
      if (!truth.empty()) {
        const auto it = truth.find({u + first, v + first});
        scores.push_back(a.edge_attribution[k]);  // evidence for the explained class
        is_true.push_back(it != truth.end() && it->second);
      }
    }
    std::vector<double> atom_truth;
    std::vector<int> contributes;
    for (size_t n = 0; n < a.node_attribution.size(); ++n) {
      node_rows.insert(node_rows.end(), {double(g), double(n), a.node_attribution[n]});
      const size_t global = size_t(first) + n;
      if (molecules)
        atoms_csv +=
            fmt::format("{},{},{},{}\n", row, n, elements.at(global), a.node_attribution[n]);
      if (global < node_truth_text.size()) {
        atom_truth.push_back(std::stod(node_truth_text[global]));
        contributes.push_back(atom_truth.back() > 0);
        pooled_attr.push_back(a.node_attribution[n]);
        pooled_truth.push_back(atom_truth.back());
      }
    }
    if (molecules && drawn < kDrawings && size_t(g + 1) < molecule_table.size()) {
      // The lecture's figure: the molecule with its atoms and bonds coloured by attribution.
      const std::string& entry = molecule_table[size_t(g + 1)];
      size_t at = 0;
      for (int comma = 0; comma < 3 && at != std::string::npos; ++comma)
        at = entry.find(',', at + 1);
      if (at != std::string::npos) {
        std::vector<std::pair<std::pair<int64_t, int64_t>, double>> bond_values;
        for (size_t k = 0; k < a.edges.size(); ++k)
          bond_values.push_back({a.edges[k], a.edge_attribution[k]});
        const auto drawing = data::draw_attributed_molecule(
            entry.substr(at + 1), a.node_attribution, bond_values,
            fmt::format("molecule {} (row of the SMILES file)", row));
        const fs::path stem = fs::path(s.out) / "molecules" / fmt::format("molecule_{}", row);
        fs::create_directories(stem.parent_path());
        write_file(stem.string() + ".svg", drawing.svg);
        write_file(stem.string() + ".png", drawing.png);
        ++drawn;
      }
    }
    if (!atom_truth.empty()) {
      const double auc = explain::roc_auc(a.node_attribution, contributes);
      if (std::isfinite(auc)) node_auc_sum += auc, ++node_auc_count;
    }
    if (!truth.empty()) {
      const double auc = explain::roc_auc(scores, is_true);
      auc_rows.insert(auc_rows.end(),
                      {double(g), double(labels[size_t(g)]), double(predicted), auc});
      if (std::isfinite(auc)) auc_sum += auc, ++auc_count;
    }
  }
  const fs::path out(s.out);
  std::vector<std::string> written;
  if (molecules) {
    for (const auto& [file, text] :
         {std::pair{out / "atoms.csv", &atoms_csv}, std::pair{out / "bonds.csv", &bonds_csv}}) {
      write_file(file, *text);
      written.push_back(file.string());
    }
  } else {
    data::write_csv(out / "edges.csv", {"graph", "node_a", "node_b", "attribution"},
                    static_cast<int64_t>(edge_rows.size() / 4), 4, edge_rows.data());
    data::write_csv(out / "nodes.csv", {"graph", "node", "attribution"},
                    static_cast<int64_t>(node_rows.size() / 3), 3, node_rows.data());
    written = {(out / "edges.csv").string(), (out / "nodes.csv").string()};
  }
  const std::string score_text =
      regression
          ? fmt::format("RMSE on them {:.4g}", std::sqrt(squared_error / double(ids.size())))
          : fmt::format("accuracy on them {:.1f}%", 100.0 * double(correct) / double(ids.size()));
  fmt::print(
      "{} of {} ({}, the {} of the class) on edges and node features; {} -> {}\n",
      s.method == "ig" ? "integrated gradients" : "saliency", which,
      s.models.size() == 1 ? s.models[0] : fmt::format("the mean of {} models", s.models.size()),
      s.score, score_text, fmt::join(written, ", "));
  if (drawn > 0)
    fmt::print("{} molecules drawn with their attributions -> {}\n", drawn,
               (out / "molecules").string());
  if (!pooled_truth.empty())
    fmt::print(
        "atoms against their true contributions ({}): Pearson r {:.4f} over {} atoms; "
        "contributing atoms ranked above the rest: mean ROC-AUC {:.4f} over {} molecules\n",
        (dir / (name + "_node_ground_truth.txt")).string(), pearson(pooled_attr, pooled_truth),
        pooled_truth.size(), node_auc_count ? node_auc_sum / double(node_auc_count) : std::nan(""),
        node_auc_count);
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
