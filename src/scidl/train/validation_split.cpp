#include "scidl/train/validation_split.h"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>

#include "scidl/io/file_io.h"
#include "scidl/ops/shape_ops.h"

namespace scidl::train {

ValidationSplit describe_validation_split(const data::Dataset& d, const std::string& split,
                                          double fraction, std::uint64_t seed) {
  ValidationSplit s{split, fraction, seed, {}, {}};
  data::Dataset numbered;  // row r holds r: what lands in validation are row numbers
  numbered.x = reshape(arange(d.size(), DType::Float64), {d.size(), 1});  // exact to 2^53
  numbered.y = numbered.x;
  numbered.groups = d.groups;
  if (split == "group") {
    const data::Split parts = data::split_by_group(numbered, fraction, seed);
    s.groups = parts.validation.groups.to_vector<std::int64_t>();
    std::sort(s.groups.begin(), s.groups.end());
    s.groups.erase(std::unique(s.groups.begin(), s.groups.end()), s.groups.end());
  } else {
    s.rows = data::split_by_row(numbered, fraction, seed).validation.x.to_vector<std::int64_t>();
  }
  return s;
}

void write_validation_split(const std::filesystem::path& run_dir, const ValidationSplit& s) {
  nlohmann::json j{{"split", s.split}, {"fraction", s.fraction}, {"seed", s.seed}};
  if (s.split == "group")
    j["groups"] = s.groups;
  else
    j["rows"] = s.rows;
  io::AtomicFileWriter out(run_dir / kValidationSplitFile);
  out.write(j.dump() + "\n");
  out.commit();
}

std::optional<ValidationSplit> read_validation_split(const std::filesystem::path& run_dir) {
  const std::filesystem::path path = run_dir / kValidationSplitFile;
  if (!std::filesystem::exists(path)) return std::nullopt;
  try {
    std::ifstream in(path);
    const nlohmann::json j = nlohmann::json::parse(in);
    ValidationSplit s;
    s.split = j.at("split").get<std::string>();
    s.fraction = j.at("fraction").get<double>();
    s.seed = j.at("seed").get<std::uint64_t>();
    if (s.split == "group")
      s.groups = j.at("groups").get<std::vector<std::int64_t>>();
    else if (s.split == "row")
      s.rows = j.at("rows").get<std::vector<std::int64_t>>();
    else
      throw std::invalid_argument("split is \"" + s.split + "\", not \"row\" or \"group\"");
    return s;
  } catch (const std::exception& e) {
    throw std::runtime_error(fmt::format(
        "cannot read '{}': {}; it is written by `scidl train` (delete it to have the split "
        "recomputed from the run's config.json)",
        path.string(), e.what()));
  }
}

}  // namespace scidl::train
