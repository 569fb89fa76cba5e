#include "scidl/cases/three_body/run_file.h"

#include <fmt/core.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <map>
#include <sstream>

namespace scidl::sci {
namespace {

constexpr std::string_view kMagic = "# scidl three-body run, format 1";
constexpr std::string_view kColumns = "t,x1,y1,x2,y2,x3,y3,vx1,vy1,vx2,vy2,vx3,vy3";
constexpr std::string_view kChecksumPrefix = "# checksum=fnv1a64:";
constexpr int kWidth = 12;

[[noreturn]] void corrupt(const std::string& name, const std::string& what) {
  throw RunFileCorrupt(fmt::format("{} is corrupt: {}", name, what));
}

double parse_double(std::string_view text, const std::string& name, const std::string& where) {
  double value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) {
    corrupt(name, fmt::format("{}: '{}' is not a number", where, text));
  }
  return value;
}

}  // namespace

std::uint64_t fnv1a64(std::string_view bytes) {
  std::uint64_t hash = 0xcbf29ce484222325ull;
  for (unsigned char c : bytes) {
    hash ^= c;
    hash *= 0x100000001b3ull;
  }
  return hash;
}

std::filesystem::path run_file_path(const std::filesystem::path& dataset_dir, std::int64_t run_id) {
  return dataset_dir / "runs" / fmt::format("run_{:05d}.csv", run_id);
}

std::string format_run_file(const ThreeBodyRun& run) {
  std::string out;
  out.reserve(static_cast<std::size_t>(run.grid.rows) * 300 + 1024);
  out += kMagic;
  out += '\n';
  out += fmt::format("# run_id={}\n# x2={:.17g}\n# y2={:.17g}\n", run.run_id, run.x2, run.y2);
  out += fmt::format("# converged={}\n# tolerance={:.17g}\n# bits={}\n", run.converged ? 1 : 0,
                     run.precision.tolerance, run.precision.bits);
  out += fmt::format("# phase_space_distance={:.17g}\n# relative_energy_error={:.17g}\n",
                     run.phase_space_distance, run.relative_energy_error);
  out += fmt::format("# angular_momentum_drift={:.17g}\n# wall_seconds={:.17g}\n# attempts={}\n",
                     run.angular_momentum_drift, run.wall_seconds, run.attempts);
  out += fmt::format("# cpu_seconds={:.17g}\n", run.cpu_seconds);
  std::string note = run.note;
  for (char& c : note) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  out += fmt::format("# note={}\n# dt={:.17g}\n# rows={}\n", note, run.grid.dt, run.grid.rows);
  out += kColumns;
  out += '\n';
  for (int k = 0; k < run.grid.rows; ++k) {
    out += fmt::format("{:.17g}", run.grid.time(k));
    for (int i = 0; i < kWidth; ++i) {
      out += fmt::format(",{:.17g}", run.states[static_cast<std::size_t>(k) * kWidth + i]);
    }
    out += '\n';
  }
  out += fmt::format("{}{:016x}\n", kChecksumPrefix, fnv1a64(out));
  return out;
}

ThreeBodyRun parse_run_file(std::string_view text, const std::string& name) {
  // The checksum line is last; anything missing or changed before it breaks the checksum.
  if (text.empty()) corrupt(name, "the file is empty");
  if (text.back() != '\n') corrupt(name, "it does not end with a newline (cut short?)");
  const std::size_t last_line = text.rfind('\n', text.size() - 2);
  const std::size_t checksum_at = last_line == std::string_view::npos ? 0 : last_line + 1;
  const std::string_view checksum_line = text.substr(checksum_at, text.size() - 1 - checksum_at);
  if (checksum_line.substr(0, kChecksumPrefix.size()) != kChecksumPrefix) {
    corrupt(name, "the closing checksum line is missing (the file was cut short)");
  }
  const std::string_view body = text.substr(0, checksum_at);
  const std::string expected = fmt::format("{:016x}", fnv1a64(body));
  if (checksum_line.substr(kChecksumPrefix.size()) != expected) {
    corrupt(name, "checksum mismatch (the file was changed after it was written)");
  }

  std::map<std::string, std::string, std::less<>> header;
  std::size_t pos = 0;
  auto next_line = [&]() -> std::string_view {
    const std::size_t end = body.find('\n', pos);
    const std::string_view line = body.substr(pos, end - pos);
    pos = end == std::string_view::npos ? body.size() : end + 1;
    return line;
  };
  if (next_line() != kMagic) corrupt(name, "it does not start with the scidl run header");
  std::string_view line;
  while (pos < body.size() && (line = next_line()).starts_with("# ")) {
    const std::size_t eq = line.find('=');
    if (eq == std::string_view::npos) corrupt(name, fmt::format("bad header line '{}'", line));
    header.emplace(std::string(line.substr(2, eq - 2)), std::string(line.substr(eq + 1)));
  }
  if (line != kColumns) corrupt(name, "the column header line is missing");
  auto field = [&](const char* key) -> const std::string& {
    const auto it = header.find(key);
    if (it == header.end()) corrupt(name, fmt::format("header field '{}' is missing", key));
    return it->second;
  };
  auto number = [&](const char* key) { return parse_double(field(key), name, key); };
  // A count or id: a whole number in [0, most]; casting anything else is undefined behaviour
  // (fuzz_run_file found "bits=9.4e11").
  auto whole = [&](const char* key, std::int64_t most) {
    const double v = number(key);
    if (!(v >= 0 && v <= double(most) && v == std::floor(v)))
      corrupt(name, fmt::format("header field '{}' is {}, not a whole number from 0 to {}", key,
                                field(key), most));
    return v;
  };

  ThreeBodyRun run;
  run.run_id = static_cast<std::int64_t>(whole("run_id", std::int64_t{1} << 50));
  run.x2 = number("x2");
  run.y2 = number("y2");
  run.converged = number("converged") != 0;
  run.precision.tolerance = number("tolerance");
  run.precision.bits = static_cast<int>(whole("bits", 1 << 20));
  run.phase_space_distance = number("phase_space_distance");
  run.relative_energy_error = number("relative_energy_error");
  run.angular_momentum_drift = number("angular_momentum_drift");
  run.wall_seconds = number("wall_seconds");
  if (header.contains("cpu_seconds")) run.cpu_seconds = number("cpu_seconds");
  run.attempts = static_cast<int>(whole("attempts", 1 << 20));
  run.note = field("note");
  run.grid.dt = number("dt");
  run.grid.rows = static_cast<int>(whole("rows", 1 << 30));
  // Reserved for no more rows than the text can hold (a row takes at least 26 bytes), whatever
  // the header claims.
  run.states.reserve(std::min<std::size_t>(run.grid.rows, body.size() / 26) * kWidth);
  int rows = 0;
  while (pos < body.size()) {
    line = next_line();
    const std::string where = fmt::format("data row {}", rows + 1);
    std::size_t start = 0;
    for (int column = 0; column <= kWidth; ++column) {
      const std::size_t comma = line.find(',', start);
      if ((column < kWidth) == (comma == std::string_view::npos)) {
        corrupt(name, fmt::format("{} does not have {} columns", where, kWidth + 1));
      }
      const double value = parse_double(line.substr(start, comma - start), name, where);
      if (column > 0) run.states.push_back(value);
      start = comma + 1;
    }
    ++rows;
  }
  if (rows != run.grid.rows) {
    corrupt(name, fmt::format("it has {} data rows but its header says {}", rows, run.grid.rows));
  }
  return run;
}

ThreeBodyRun read_run_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw RunFileCorrupt(fmt::format("{} cannot be opened", path.string()));
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return parse_run_file(buffer.str(), path.string());
}

}  // namespace scidl::sci
