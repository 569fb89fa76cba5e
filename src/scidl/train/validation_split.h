// The validation split a run used, kept in its folder as validation_split.json, so what reads
// the run later (the three-body report) takes the rows the model was validated on instead of
// recomputing them from the seed.
// Contract: a split by row records the validation rows (indices into the dataset as `scidl
// train` read it, ascending); a split by group records the validation groups (ids, ascending),
// whose rows are every row of those groups. Readers name the file and what is wrong with it.
#pragma once
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "scidl/data/dataset.h"

namespace scidl::train {

inline constexpr const char* kValidationSplitFile = "validation_split.json";

struct ValidationSplit {
  std::string split;  // "row" or "group", as data.split
  double fraction = 0;
  std::uint64_t seed = 0;
  std::vector<std::int64_t> rows;    // a split by row: the validation rows
  std::vector<std::int64_t> groups;  // a split by group: the validation groups
};

// The split data::split_by_row or data::split_by_group makes of `d` with this fraction and
// seed, as rows or groups (the same call on a dataset of row numbers, so the same split).
ValidationSplit describe_validation_split(const data::Dataset& d, const std::string& split,
                                          double fraction, std::uint64_t seed);

void write_validation_split(const std::filesystem::path& run_dir, const ValidationSplit& s);

// The split recorded in run_dir; nullopt for a run folder written before runs recorded it.
std::optional<ValidationSplit> read_validation_split(const std::filesystem::path& run_dir);

}  // namespace scidl::train
