// DIR/generation.txt: the settings that fix a three-body dataset (seed, dt, t-max, rows, runs),
// so that resuming with other settings is refused instead of mixing two datasets.
// Contract: read_manifest returns nullopt when the file is absent and throws, naming the file,
// when it is damaged; write_manifest replaces it atomically.
#pragma once
#include <cstdint>
#include <filesystem>
#include <optional>

namespace scidl::sci {

struct Manifest {
  std::uint64_t seed = 0;
  double dt = 0, t_max = 0;
  int rows = 0;
  std::int64_t runs = 0;  // the most runs any generate call asked for
};

std::filesystem::path manifest_path(const std::filesystem::path& dataset_dir);
void write_manifest(const std::filesystem::path& dataset_dir, const Manifest& manifest);
std::optional<Manifest> read_manifest(const std::filesystem::path& dataset_dir);

}  // namespace scidl::sci
