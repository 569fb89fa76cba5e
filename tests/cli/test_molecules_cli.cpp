// Molecules through RDKit into graphs: the NCI set Debian ships (TPSA per atom equal to RDKit's
// published values), a SMILES RDKit refuses (named with file:line and its reason, the rest go
// on), and the polar-surface-area case end to end on a few hundred molecules: train, explain,
// and the attributions scored against each atom's true contribution.
#include <fmt/format.h>

#include <fstream>

#include "../test_util.h"
#include "scidl/data/csv.h"
#include "scidl/data/molecules.h"

namespace scidl::testing {
namespace {

namespace fs = std::filesystem;
const fs::path kRepo = fs::path(SCIDL_TEST_DATA) / ".." / "..";
const fs::path kNci = "/usr/share/RDKit/Data/NCI";

TEST(Molecules, TpsaOfTheFirst200NciMoleculesMatchesTheShippedValues) {
  const auto file = data::read_smiles_file(kNci / "first_200.tpsa.csv");
  ASSERT_EQ(file.molecules.size(), 200u);
  EXPECT_TRUE(file.failures.empty());
  for (const auto& m : file.molecules) {
    ASSERT_TRUE(m.has_value);
    EXPECT_NEAR(m.tpsa, m.value, 1e-4) << m.smiles;
    double sum = 0;
    for (double c : m.tpsa_contributions) sum += c;
    EXPECT_NEAR(sum, m.tpsa, 1e-9);
    EXPECT_EQ(m.features.size(), m.elements.size() * data::atom_feature_names().size());
  }
}

TEST(Molecules, AcetylsAtomsGetErtlsContributions) {
  TempDir dir("molecules_acetic");
  write_text(dir.path / "m.smi", "CC(=O)O acetic\nC1=CC=NC=C1 pyridine\n");
  const auto file = data::read_smiles_file(dir.path / "m.smi");
  ASSERT_EQ(file.molecules.size(), 2u);
  EXPECT_EQ(file.molecules[0].id, "acetic");
  EXPECT_EQ(file.molecules[0].tpsa_contributions, (std::vector<double>{0, 0, 17.07, 20.23}));
  EXPECT_EQ(file.molecules[0].elements, (std::vector<std::string>{"C", "C", "O", "O"}));
  EXPECT_NEAR(file.molecules[1].tpsa, 12.89, 1e-9);  // the aromatic N
}

TEST(MoleculesCli, ABadSmilesIsNamedAndTheRestGoOn) {
  TempDir dir("molecules_bad");
  write_text(dir.path / "m.smi", "CCO 1\nC1CC 2\nO=C=O 3\n");
  auto r = run_cli(fmt::format("molecules prepare --smiles {} --out {}",
                               (dir.path / "m.smi").string(), (dir.path / "M").string()));
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("m.smi:2: C1CC: "), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("2 molecules of 3 read"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("1 skipped"), std::string::npos) << r.output;
  std::ifstream table(dir.path / "M" / "M_molecules.csv");
  std::string header, first, second;
  std::getline(table, header);
  std::getline(table, first);
  std::getline(table, second);
  EXPECT_EQ(second, "2,3,3,O=C=O");  // row 2 of the file (0-based), line 3
}

TEST(MoleculesCli, PolarSurfaceAreaIsExplainedAtomByAtom) {
  TempDir dir("molecules_tpsa");
  const auto data = dir.path / "NCI";
  auto prep = run_cli(fmt::format("molecules prepare --smiles {} --limit 600 --out {}",
                                  (kNci / "first_5K.smi").string(), data.string()));
  ASSERT_EQ(prep.status, 0) << prep.output;
  const auto run = dir.path / "run";
  auto train = run_cli(
      fmt::format("train {} --set data.path={} --set training.epochs=30 "
                  "--set output.dir={}",
                  (kRepo / "examples/graphs/tpsa_nci.toml").string(), data.string(), run.string()));
  ASSERT_EQ(train.status, 0) << train.output;
  auto ig = run_cli(fmt::format("explain --model {} --data {} --method ig --out {}",
                                (run / "best.scidl").string(), data.string(),
                                (dir.path / "ig").string()));
  ASSERT_EQ(ig.status, 0) << ig.output;
  const auto at = ig.output.find("Pearson r ");
  ASSERT_NE(at, std::string::npos) << ig.output;
  EXPECT_GT(std::stod(ig.output.substr(at + 10)), 0.8) << ig.output;
  const auto auc = ig.output.find("mean ROC-AUC ");
  EXPECT_GT(std::stod(ig.output.substr(auc + 13)), 0.9) << ig.output;
  const auto atoms =
      data::read_csv(dir.path / "ig" / "atoms.csv",
                     {data::CsvHeader::Present,
                      data::CsvDelimiter::Auto,
                      {std::string("molecule"), std::string("atom"), std::string("attribution")}});
  EXPECT_GT(atoms.rows, 100);
  EXPECT_TRUE(fs::exists(dir.path / "ig" / "bonds.csv"));
  EXPECT_NE(ig.output.find("12 molecules drawn"), std::string::npos) << ig.output;
  // A class's log-odds means nothing for a regression: refused, naming the option.
  auto odds = run_cli(fmt::format("explain --model {} --data {} --score log_odds --out {}",
                                  (run / "best.scidl").string(), data.string(),
                                  (dir.path / "odds").string()));
  EXPECT_NE(odds.status, 0);
  EXPECT_NE(odds.output.find("--score log_odds explains a classifier's class"), std::string::npos)
      << odds.output;
  EXPECT_FALSE(fs::exists(dir.path / "odds"));
  int pngs = 0, svgs = 0;
  for (const auto& f : fs::directory_iterator(dir.path / "ig" / "molecules"))
    (f.path().extension() == ".png" ? pngs : svgs) += 1;
  EXPECT_EQ(pngs, 12);
  EXPECT_EQ(svgs, 12);
}

}  // namespace
}  // namespace scidl::testing
