#include "scidl/data/molecules.h"

#include <GraphMol/Descriptors/MolSurf.h>
#include <GraphMol/GraphMol.h>
#include <GraphMol/SmilesParse/SmilesParse.h>
#include <RDGeneral/RDLog.h>
#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <memory>
#include <sstream>

#include "scidl/io/file_io.h"

namespace scidl::data {

namespace {

const std::vector<std::string> kElements{"C", "O", "Cl", "H",  "N", "F",  "Br",
                                         "S", "P", "I",  "Na", "K", "Li", "Ca"};

// RDKit reports parse and sanitisation errors on its error log, not in what it returns: catch
// them in a string for the duration of one parse.
class CapturedRdkitLog {
 public:
  CapturedRdkitLog() {
    for (auto* log : {&rdErrorLog, &rdWarningLog})
      if (*log) saved_.push_back({log->get(), (*log)->dp_dest}), (*log)->dp_dest = &text_;
  }
  ~CapturedRdkitLog() {
    for (auto& [logger, dest] : saved_) logger->dp_dest = dest;
  }
  // The first message, without RDKit's "[hh:mm:ss] " prefix.
  std::string first_message() const {
    std::string s = text_.str();
    if (const auto close = s.find("] "); !s.empty() && s[0] == '[' && close != std::string::npos)
      s = s.substr(close + 2);
    if (const auto nl = s.find('\n'); nl != std::string::npos) s = s.substr(0, nl);
    return s;
  }

 private:
  std::ostringstream text_;
  std::vector<std::pair<boost::logging::rdLogger*, std::ostream*>> saved_;
};

void featurise(const RDKit::ROMol& mol, Molecule& m) {
  const auto width = atom_feature_names().size();
  const RDKit::RingInfo* rings = mol.getRingInfo();
  for (const RDKit::Atom* atom : mol.atoms()) {
    std::vector<float> f(width, 0.0f);
    const std::string symbol = atom->getSymbol();
    const auto e = std::find(kElements.begin(), kElements.end(), symbol) - kElements.begin();
    f[static_cast<size_t>(e)] = 1;  // 14: other
    int heavy = 0;
    for (const RDKit::Atom* n : mol.atomNeighbors(atom)) heavy += n->getAtomicNum() > 1;
    f[15 + static_cast<size_t>(std::min(heavy, 4))] = 1;
    f[20 + std::min<size_t>(atom->getTotalNumHs(true), 3)] = 1;
    f[24 + static_cast<size_t>(std::clamp(atom->getFormalCharge(), -1, 1) + 1)] = 1;
    f[27] = atom->getIsAromatic() ? 1.0f : 0.0f;
    f[28] = rings && rings->isInitialized() && rings->isAtomInRingOfSize(atom->getIdx(), 3);
    m.features.insert(m.features.end(), f.begin(), f.end());
    m.elements.push_back(symbol);
  }
  for (const RDKit::Bond* b : mol.bonds()) {
    m.bonds.push_back(std::minmax<int64_t>(b->getBeginAtomIdx(), b->getEndAtomIdx()));
    m.bond_orders.push_back(b->getBondTypeAsDouble());
  }
  m.tpsa_contributions.assign(mol.getNumAtoms(), 0.0);
  m.tpsa = RDKit::Descriptors::getTPSAAtomContribs(mol, m.tpsa_contributions, /*force=*/true);
}

}  // namespace

const std::vector<std::string>& atom_feature_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> n(kElements.begin(), kElements.end());
    n.push_back("other");
    for (const char* s : {"degree0", "degree1", "degree2", "degree3", "degree4+", "h0", "h1", "h2",
                          "h3+", "charge-1", "charge0", "charge+1", "aromatic", "ring3"})
      n.push_back(s);
    return n;
  }();
  return names;
}

MoleculeFile read_smiles_file(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) throw std::invalid_argument(fmt::format("cannot open '{}'", path.string()));
  MoleculeFile out;
  std::string line;
  for (int64_t number = 1; std::getline(in, line); ++number) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const auto first = line.find_first_not_of(" \t");
    if (first == std::string::npos || line[first] == '#') continue;
    Molecule m;
    m.line = number;
    m.row = out.rows++;
    const auto comma = line.find(',');
    const auto space = line.find_first_of(" \t", first);
    if (comma != std::string::npos && (space == std::string::npos || comma < space)) {
      m.smiles = line.substr(first, comma - first);
      const std::string value = line.substr(comma + 1);
      try {
        size_t used = 0;
        m.value = std::stod(value, &used);
        m.has_value = true;
      } catch (const std::exception&) {
        out.failures.push_back(fmt::format("{}:{}: '{}' after the SMILES is not a number",
                                           path.string(), number, value));
        continue;
      }
    } else {
      m.smiles = line.substr(first, space == std::string::npos ? std::string::npos : space - first);
      if (space != std::string::npos) {
        const auto id = line.find_first_not_of(" \t", space);
        if (id != std::string::npos) m.id = line.substr(id);
      }
    }
    std::unique_ptr<RDKit::RWMol> mol;
    std::string reason;
    {
      CapturedRdkitLog log;
      try {
        mol.reset(RDKit::SmilesToMol(m.smiles));
      } catch (const std::exception& e) {
        reason = e.what();
      }
      if (!mol && reason.empty()) reason = log.first_message();
    }
    if (!mol) {
      out.failures.push_back(fmt::format("{}:{}: {}: {}", path.string(), number, m.smiles,
                                         reason.empty() ? "RDKit could not parse it" : reason));
      continue;
    }
    if (mol->getNumAtoms() == 0) {
      out.failures.push_back(
          fmt::format("{}:{}: '{}' has no atoms", path.string(), number, m.smiles));
      continue;
    }
    featurise(*mol, m);
    out.molecules.push_back(std::move(m));
  }
  return out;
}

std::vector<std::filesystem::path> write_molecules_tu(const std::filesystem::path& dir,
                                                      const std::vector<Molecule>& molecules,
                                                      const std::vector<double>* values) {
  if (values && values->size() != molecules.size())
    throw std::invalid_argument(
        fmt::format("{} values for {} molecules", values->size(), molecules.size()));
  std::filesystem::create_directories(dir);
  const std::string name = std::filesystem::absolute(dir).lexically_normal().filename().string();
  std::string a, indicator, attributes, edge_labels, targets, truth, elements, table;
  table = "row,line,id,smiles\n";
  int64_t first = 1;
  for (size_t g = 0; g < molecules.size(); ++g) {
    const auto& m = molecules[g];
    const size_t width = atom_feature_names().size();
    for (size_t i = 0; i < m.elements.size(); ++i) {
      indicator += fmt::format("{}\n", g + 1);
      for (size_t f = 0; f < width; ++f)
        attributes += fmt::format("{}{}", f ? ", " : "", m.features[i * width + f]);
      attributes += "\n";
      truth += fmt::format("{}\n", m.tpsa_contributions[i]);
      elements += m.elements[i] + "\n";
    }
    for (size_t b = 0; b < m.bonds.size(); ++b) {
      const auto [u, v] = m.bonds[b];
      a += fmt::format("{}, {}\n{}, {}\n", first + u, first + v, first + v, first + u);
      const int label = static_cast<int>(std::lround(2 * m.bond_orders[b]));
      edge_labels += fmt::format("{}\n{}\n", label, label);
    }
    targets += fmt::format("{}\n", values ? (*values)[g] : m.tpsa);
    table += fmt::format("{},{},{},{}\n", m.row, m.line, m.id, m.smiles);
    first += static_cast<int64_t>(m.elements.size());
  }
  std::vector<std::filesystem::path> files;
  for (const auto& [what, text] :
       {std::pair{"A.txt", &a}, std::pair{"graph_indicator.txt", &indicator},
        std::pair{"node_attributes.txt", &attributes}, std::pair{"edge_labels.txt", &edge_labels},
        std::pair{"graph_attributes.txt", &targets}, std::pair{"node_ground_truth.txt", &truth},
        std::pair{"elements.txt", &elements}, std::pair{"molecules.csv", &table}}) {
    const auto path = dir / fmt::format("{}_{}", name, what);
    io::AtomicFileWriter out(path);
    out.write(*text);
    out.commit();
    files.push_back(path);
  }
  return files;
}

}  // namespace scidl::data
