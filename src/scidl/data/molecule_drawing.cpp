#include "scidl/data/molecule_drawing.h"

#include <GraphMol/GraphMol.h>
#include <GraphMol/MolDraw2D/MolDraw2DCairo.h>
#include <GraphMol/MolDraw2D/MolDraw2DSVG.h>
#include <GraphMol/MolDraw2D/MolDraw2DUtils.h>
#include <GraphMol/SmilesParse/SmilesParse.h>
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>

namespace scidl::data {

namespace {
// Red for positive, blue for negative, towards white as |share| falls (share in [-1, 1]).
RDKit::DrawColour colour_of(double share) {
  const double s = std::clamp(std::abs(share), 0.0, 1.0);
  return share >= 0 ? RDKit::DrawColour(1.0, 1.0 - 0.8 * s, 1.0 - 0.8 * s)
                    : RDKit::DrawColour(1.0 - 0.8 * s, 1.0 - 0.8 * s, 1.0);
}
}  // namespace

MoleculeDrawing draw_attributed_molecule(
    const std::string& smiles, const std::vector<double>& atom_values,
    const std::vector<std::pair<std::pair<int64_t, int64_t>, double>>& bond_values,
    const std::string& legend, int width, int height) {
  std::unique_ptr<RDKit::RWMol> mol(RDKit::SmilesToMol(smiles));
  if (!mol) throw std::invalid_argument(fmt::format("RDKit cannot parse '{}'", smiles));
  if (mol->getNumAtoms() != atom_values.size())
    throw std::invalid_argument(fmt::format("'{}' has {} atoms but {} attributions were given",
                                            smiles, mol->getNumAtoms(), atom_values.size()));
  double scale = 0;
  for (double v : atom_values) scale = std::max(scale, std::abs(v));
  for (const auto& [pair, v] : bond_values) scale = std::max(scale, std::abs(v));
  if (scale == 0) scale = 1;
  std::vector<int> atoms, bonds;
  std::map<int, RDKit::DrawColour> atom_colours, bond_colours;
  std::map<int, double> radii;
  for (size_t i = 0; i < atom_values.size(); ++i) {
    atoms.push_back(static_cast<int>(i));
    atom_colours[static_cast<int>(i)] = colour_of(atom_values[i] / scale);
    radii[static_cast<int>(i)] = 0.15 + 0.35 * std::abs(atom_values[i]) / scale;
  }
  for (const auto& [pair, value] : bond_values) {
    const RDKit::Bond* b = mol->getBondBetweenAtoms(static_cast<unsigned>(pair.first),
                                                    static_cast<unsigned>(pair.second));
    if (!b) continue;
    bonds.push_back(static_cast<int>(b->getIdx()));
    bond_colours[static_cast<int>(b->getIdx())] = colour_of(value / scale);
  }
  MoleculeDrawing out;
  {
    RDKit::MolDraw2DSVG svg(width, height);
    RDKit::MolDraw2DUtils::prepareAndDrawMolecule(svg, *mol, legend, &atoms, &bonds, &atom_colours,
                                                  &bond_colours, &radii);
    svg.finishDrawing();
    out.svg = svg.getDrawingText();
  }
  {
    RDKit::MolDraw2DCairo png(width, height);
    RDKit::MolDraw2DUtils::prepareAndDrawMolecule(png, *mol, legend, &atoms, &bonds, &atom_colours,
                                                  &bond_colours, &radii);
    png.finishDrawing();
    out.png = png.getDrawingText();
  }
  return out;
}

}  // namespace scidl::data
