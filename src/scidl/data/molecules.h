// Molecules as graphs, through RDKit's C++ library (Debian librdkit-dev): SMILES in, atoms as
// nodes, bonds as edges (both directions), and each atom's contribution to the topological polar
// surface area (Ertl et al. 2000; RDKit's getTPSAAtomContribs: N and O only) as a ground truth
// that explanations can be scored against, atom by atom.
// Node features (29): the first lecture's 14 atom types one-hot (C O Cl H N F Br S P I Na K Li
// Ca) plus "other"; heavy-atom degree 0-4+ one-hot; total hydrogens 0-3+ one-hot; formal charge
// -1, 0, +1 one-hot (others count as the nearer end); aromatic; in a 3-ring. TPSA's rules read
// exactly these (element, heavy neighbours, hydrogens, charge, aromatic bonds, 3-rings), so a
// network can learn each atom's part from its own features and its neighbours'.
// Bad SMILES are skipped, counted and named with file:line and RDKit's reason; never fatal.
#pragma once
#include <filesystem>
#include <string>
#include <vector>

namespace scidl::data {

struct Molecule {
  std::string smiles, id;
  int64_t line = 0;                   // 1-based line of the input file
  int64_t row = 0;                    // 0-based row among the file's molecules (parsed or not)
  std::vector<std::string> elements;  // per atom (RDKit's atom order)
  std::vector<float> features;        // atoms x atom_feature_names().size()
  std::vector<std::pair<int64_t, int64_t>> bonds;  // (a, b), a < b
  std::vector<double> bond_orders;                 // 1, 1.5 (aromatic), 2, 3
  std::vector<double> tpsa_contributions;          // per atom
  double tpsa = 0;                                 // RDKit's TPSA (the contributions' sum)
  double value = 0;                                // the file's own value column, when it has one
  bool has_value = false;
};

struct MoleculeFile {
  std::vector<Molecule> molecules;
  std::vector<std::string> failures;  // "file:line: SMILES: RDKit's reason"
  int64_t rows = 0;                   // molecules in the file, parsed or not
};

const std::vector<std::string>& atom_feature_names();

// A SMILES file: "SMILES[<space or tab>id]" per line (RDKit's first_5K.smi), or CSV
// "SMILES,value" (first_5k.tpsa.csv); blank lines and lines starting with '#' are skipped.
MoleculeFile read_smiles_file(const std::filesystem::path& path);

// The molecules in the TU format under DIR (NAME = DIR's name): NAME_A.txt (bonds, both
// directions), NAME_graph_indicator.txt, NAME_node_attributes.txt (the features),
// NAME_edge_labels.txt (bond order x 2: 2, 3 aromatic, 4, 6), NAME_graph_attributes.txt (the
// target: `values` when given, one per molecule, else RDKit's TPSA), NAME_node_ground_truth.txt
// (TPSA contributions), NAME_elements.txt and NAME_molecules.csv (row, line, id, SMILES). Returns
// the files written.
std::vector<std::filesystem::path> write_molecules_tu(const std::filesystem::path& dir,
                                                      const std::vector<Molecule>& molecules,
                                                      const std::vector<double>* values = nullptr);

}  // namespace scidl::data
