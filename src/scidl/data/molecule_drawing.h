// A molecule drawn as the lecture's attribution figures are: RDKit's 2D depiction (RDDepictor,
// MolDraw2D), each atom and bond highlighted red where its attribution raises the explained
// output and blue where it lowers it, the colour's strength and the atom's disc growing with
// |attribution| relative to the molecule's largest. SVG (MolDraw2DSVG) and PNG (MolDraw2DCairo).
#pragma once
#include <string>
#include <vector>

namespace scidl::data {

struct MoleculeDrawing {
  std::string svg, png;  // the PNG's bytes
};

// atom_values per RDKit atom index of `smiles`; bond_values per (a, b) pair (a < b), matched to
// RDKit's bonds; the legend is drawn under the molecule. Throws naming the SMILES when RDKit
// cannot parse it or the atom count differs.
MoleculeDrawing draw_attributed_molecule(
    const std::string& smiles, const std::vector<double>& atom_values,
    const std::vector<std::pair<std::pair<int64_t, int64_t>, double>>& bond_values,
    const std::string& legend, int width = 420, int height = 340);

}  // namespace scidl::data
