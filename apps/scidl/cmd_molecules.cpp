// scidl molecules prepare --smiles FILE [--labels FILE.csv] --out DIR: molecules from SMILES
// (RDKit) into graphs in the TU format, with 29 atom features, bonds as edges, the target (the
// labels file's values, else RDKit's TPSA) and each atom's TPSA contribution as the ground truth
// for explanations (src/scidl/data/molecules.h). SMILES RDKit refuses are named with file:line
// and its reason, counted, and skipped. Debian's rdkit-data ships the NCI set:
//   scidl molecules prepare --smiles /usr/share/RDKit/Data/NCI/first_5K.smi --out NCI
#include <fmt/core.h>

#include <filesystem>

#include "command.h"
#include "scidl/data/csv.h"
#include "scidl/data/molecules.h"

namespace {

struct PrepareArgs {
  std::string smiles, labels, out;
  int64_t limit = 0;
};

void prepare(const PrepareArgs& a) {
  auto file = scidl::data::read_smiles_file(a.smiles);
  for (const auto& f : file.failures) fmt::print(stderr, "skipped: {}\n", f);
  if (a.limit > 0 && static_cast<int64_t>(file.molecules.size()) > a.limit)
    file.molecules.resize(static_cast<size_t>(a.limit));
  if (file.molecules.empty())
    throw std::invalid_argument(
        fmt::format("'{}' holds no molecule RDKit can read ({} rows)", a.smiles, file.rows));
  std::vector<double> values;
  std::string target = "RDKit's TPSA";
  if (!a.labels.empty()) {  // one value per row of the SMILES file (its last column)
    const auto table = scidl::data::read_csv(a.labels);
    if (table.rows != file.rows)
      throw std::invalid_argument(
          fmt::format("'{}' has {} rows but '{}' holds {} molecules; they must agree row for row",
                      a.labels, table.rows, a.smiles, file.rows));
    for (const auto& m : file.molecules) values.push_back(table.at(m.row, table.cols - 1));
    target = fmt::format("'{}' (column {})", a.labels, table.column_names.back());
  }
  int64_t atoms = 0, bonds = 0, agree = 0, with_value = 0;
  for (const auto& m : file.molecules) {
    atoms += static_cast<int64_t>(m.elements.size());
    bonds += static_cast<int64_t>(m.bonds.size());
    if (m.has_value) ++with_value, agree += std::abs(m.value - m.tpsa) < 0.01;
  }
  const auto files =
      scidl::data::write_molecules_tu(a.out, file.molecules, values.empty() ? nullptr : &values);
  for (const auto& f : files) fmt::print("-> {}\n", f.string());
  fmt::print("{} molecules of {} read ({} atoms, {} bonds); {} skipped (named above); target {}\n",
             file.molecules.size(), file.rows, atoms, bonds, file.failures.size(), target);
  if (with_value > 0)
    fmt::print("the file's own values equal RDKit's TPSA (to 0.01) for {} of {} molecules\n", agree,
               with_value);
}

SCIDL_COMMAND([](CLI::App& app) {
  auto* cmd = app.add_subcommand("molecules", "Molecules from SMILES (RDKit) as graphs");
  cmd->require_subcommand(1);
  auto a = std::make_shared<PrepareArgs>();
  auto* prep = cmd->add_subcommand(
      "prepare", "SMILES (with or without ids, or CSV SMILES,value) into a TU-format folder");
  prep->add_option("--smiles", a->smiles,
                   "SMILES file (e.g. /usr/share/RDKit/Data/NCI/first_5K.smi)")
      ->required()
      ->check(CLI::ExistingFile);
  prep->add_option("--labels", a->labels,
                   "CSV of targets, one row per SMILES row (default: RDKit's TPSA)")
      ->check(CLI::ExistingFile);
  prep->add_option("--limit", a->limit, "keep only the first N molecules read (0: all)")
      ->check(CLI::Range(int64_t{0}, int64_t{1} << 40));
  prep->add_option("--out", a->out, "output folder (its name is the dataset's NAME)")->required();
  prep->callback([a] { prepare(*a); });
});

}  // namespace
