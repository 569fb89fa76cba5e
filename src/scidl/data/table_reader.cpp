#include "scidl/data/table_reader.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <string>

#include "scidl/data/gretl_data.h"

namespace scidl::data {
namespace {

bool ends_with_ignoring_case(const std::string& text, const std::string& suffix) {
  return text.size() >= suffix.size() &&
         std::equal(suffix.rbegin(), suffix.rend(), text.rbegin(), [](char a, char b) {
           return std::tolower(static_cast<unsigned char>(a)) ==
                  std::tolower(static_cast<unsigned char>(b));
         });
}

bool is_gretl(const std::filesystem::path& path) {
  const std::string name = path.filename().string();
  return ends_with_ignoring_case(name, ".gdt") || ends_with_ignoring_case(name, ".gdt.gz");
}

// A number as a label: integers without a decimal point, NaN (missing) as an empty cell.
std::string as_text(double v) {
  if (std::isnan(v)) return "";
  if (v == std::floor(v) && std::abs(v) < 1e15) return fmt::format("{}", static_cast<int64_t>(v));
  return fmt::format("{}", v);
}

// A .gdt file with text columns: every column read, then split as the CSV reader splits them.
CsvTable gretl_with_text(const std::filesystem::path& path, const CsvOptions& options) {
  const CsvTable all = read_gretl_data(path, {});
  const std::string file = path.string();
  const auto text = choose_columns(file, all.cols, all.column_names, options.text_columns);
  std::vector<std::int64_t> numbers;
  if (options.columns.empty()) {
    for (std::int64_t c = 0; c < all.cols; ++c)
      if (std::find(text.begin(), text.end(), c) == text.end()) numbers.push_back(c);
  } else {
    numbers = choose_columns(file, all.cols, all.column_names, options.columns);
  }
  CsvTable t;
  t.rows = all.rows;
  t.cols = static_cast<std::int64_t>(numbers.size());
  for (auto c : numbers) t.column_names.push_back(all.column_names[static_cast<size_t>(c)]);
  for (std::int64_t r = 0; r < all.rows; ++r)
    for (auto c : numbers) t.values.push_back(all.at(r, c));
  for (auto c : text) {
    t.text_names.push_back(all.column_names[static_cast<size_t>(c)]);
    std::vector<std::string> cells;
    for (std::int64_t r = 0; r < all.rows; ++r) cells.push_back(as_text(all.at(r, c)));
    t.text.push_back(std::move(cells));
  }
  return t;
}

}  // namespace

CsvFirstRow read_table_first_row(const std::filesystem::path& path) {
  if (!is_gretl(path)) return read_csv_first_row(path);
  return {read_gretl_data(path, {}).column_names, true};
}

CsvTable read_table(const std::filesystem::path& path, const CsvOptions& options) {
  const std::string name = path.filename().string();
  if (is_gretl(path))
    return options.text_columns.empty() ? read_gretl_data(path, options)
                                        : gretl_with_text(path, options);
  if (ends_with_ignoring_case(name, ".gdtb")) {
    throw CsvError(path.string() +
                   ": gretl's binary data format (.gdtb) is not read; store the data from "
                   "gretl as a .gdt file (store \"name.gdt\")");
  }
  return read_csv(path, options);
}

}  // namespace scidl::data
