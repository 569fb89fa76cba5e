#include "scidl/automl/raw_table.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <stdexcept>

#include "scidl/data/table_reader.h"

namespace scidl::automl {

int64_t RawTable::find(const std::string& name) const {
  const auto it = std::find(names.begin(), names.end(), name);
  return it == names.end() ? -1 : static_cast<int64_t>(it - names.begin());
}

int64_t RawTable::column(const std::string& name, const std::string& what) const {
  const int64_t c = find(name);
  if (c >= 0) return c;
  std::string known;
  for (const auto& n : names) {
    if (!known.empty()) known += ", ";
    known += n;
  }
  const bool numbers = std::all_of(
      names.begin(), names.end(), [](const std::string& n) { return parse_number(n).has_value(); });
  throw std::invalid_argument(fmt::format(
      "{}: {} '{}' is not a column of the table (its columns: {}){}", file, what, name, known,
      numbers ? "; its first row holds numbers: the table needs a header row naming its columns"
              : ""));
}

RawTable RawTable::subset(const std::vector<int64_t>& keep) const {
  RawTable out;
  out.file = file;
  out.names = names;
  out.rows = static_cast<int64_t>(keep.size());
  out.cells.resize(cells.size());
  for (size_t c = 0; c < cells.size(); ++c) {
    out.cells[c].reserve(keep.size());
    for (int64_t r : keep) out.cells[c].push_back(cells[c][static_cast<size_t>(r)]);
  }
  return out;
}

RawTable read_raw_table(const std::filesystem::path& path) {
  data::CsvOptions options;
  options.header = data::CsvHeader::Present;
  const auto first = data::read_table_first_row(path);
  for (size_t c = 0; c < first.cells.size(); ++c)
    options.text_columns.emplace_back(static_cast<int64_t>(c));
  data::CsvTable table = data::read_table(path, options);
  RawTable raw;
  raw.file = path.string();
  raw.names = std::move(table.text_names);
  raw.cells = std::move(table.text);
  raw.rows = table.rows;
  return raw;
}

bool is_missing(const std::string& cell) {
  if (cell.empty()) return true;
  if (cell.size() > 4) return false;
  std::string lower(cell);
  for (char& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return lower == "na" || lower == "n/a" || lower == "nan" || lower == "null" || lower == "none" ||
         lower == "?";
}

std::optional<double> parse_number(const std::string& cell) {
  const char* begin = cell.data();
  const char* end = begin + cell.size();
  if (begin != end && *begin == '+') ++begin;  // from_chars refuses a leading plus
  double value = 0;
  const auto [ptr, ec] = std::from_chars(begin, end, value);
  if (ec != std::errc() || ptr != end || begin == end || !std::isfinite(value)) return std::nullopt;
  return value;
}

}  // namespace scidl::automl
