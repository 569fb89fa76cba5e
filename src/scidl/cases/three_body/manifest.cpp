#include "scidl/cases/three_body/manifest.h"

#include <fmt/core.h>

#include <fstream>
#include <map>
#include <stdexcept>
#include <string>

#include "scidl/io/file_io.h"

namespace scidl::sci {

std::filesystem::path manifest_path(const std::filesystem::path& dir) {
  return dir / "generation.txt";
}

void write_manifest(const std::filesystem::path& dir, const Manifest& m) {
  io::write_file_atomically(
      manifest_path(dir),
      fmt::format("# scidl three-body dataset (Breen et al. set-up); do not edit\n"
                  "format=1\nseed={}\ndt={:.17g}\nt_max={:.17g}\nrows={}\nruns={}\n",
                  m.seed, m.dt, m.t_max, m.rows, m.runs));
}

std::optional<Manifest> read_manifest(const std::filesystem::path& dir) {
  std::ifstream in(manifest_path(dir));
  if (!in) return std::nullopt;
  std::map<std::string, std::string> kv;
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    const auto eq = line.find('=');
    if (eq != std::string::npos) kv[line.substr(0, eq)] = line.substr(eq + 1);
  }
  try {
    Manifest m;
    m.seed = std::stoull(kv.at("seed"));
    m.dt = std::stod(kv.at("dt"));
    m.t_max = std::stod(kv.at("t_max"));
    m.rows = std::stoi(kv.at("rows"));
    m.runs = std::stoll(kv.at("runs"));
    return m;
  } catch (const std::exception&) {
    throw std::runtime_error(fmt::format(
        "{} is damaged (a field is missing or not a number); restore it or start a new --out",
        manifest_path(dir).string()));
  }
}

}  // namespace scidl::sci
