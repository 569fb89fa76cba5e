// A user's table as text, every column kept as its cells, before any column is given a type:
// what scidl automl reads (CSV or gretl .gdt, through data::read_table) and what its saved
// predictor later reads by column name. Cells are trimmed; a missing value is an empty cell or
// one of NA, N/A, NaN, null, None, ? (any case), as pandas' read_csv treats them.
#pragma once
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace scidl::automl {

struct RawTable {
  std::string file;  // for messages
  std::vector<std::string> names;
  std::vector<std::vector<std::string>> cells;  // [column][row]
  int64_t rows = 0;

  // The column called `name`, or -1.
  int64_t find(const std::string& name) const;
  // The position of `name`; throws std::invalid_argument naming the file and its columns.
  int64_t column(const std::string& name, const std::string& what) const;
  // The same table with only `rows` (in that order).
  RawTable subset(const std::vector<int64_t>& rows) const;
};

// Reads every column of a table with a header row as text. Throws data::CsvError naming the file.
RawTable read_raw_table(const std::filesystem::path& path);

bool is_missing(const std::string& cell);
// The cell as a finite number, or nothing (text, missing, inf or nan).
std::optional<double> parse_number(const std::string& cell);

}  // namespace scidl::automl
