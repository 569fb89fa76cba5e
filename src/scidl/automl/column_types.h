// What each column of a table is, decided from its cells as AutoGluon's feature generators
// decide it, and reported to the user before anything trains:
//   numeric      every present cell is a number
//   date         every present cell is a date, YYYY-MM-DD (a time after it is ignored): split
//                into year, month, day and day of week (Monday 0, as pandas numbers them), and
//                kept as a number (days since 1970-01-01), as AutoGluon keeps the datetime
//   categorical  text, or numbers mixed with text (the note names the first text cell)
//   dropped      every cell missing; one value throughout (constant); or ID-like: text with a
//                different value in every row, or the integers 1, 2, 3, ... (a row number)
// Missing cells are raw_table.h's; they are counted per column.
#pragma once
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "scidl/automl/raw_table.h"

namespace scidl::automl {

enum class ColumnKind { Numeric, Date, Categorical, Dropped };
const char* column_kind_name(ColumnKind kind);
ColumnKind column_kind_from_name(const std::string& name);

struct ColumnInfo {
  std::string name;
  ColumnKind kind = ColumnKind::Numeric;
  int64_t missing = 0, distinct = 0;  // over the rows looked at
  std::string note;                   // why dropped, or what was odd
};

ColumnInfo infer_column(const std::string& name, const std::vector<std::string>& cells);

// Every column but `target` (and those in `exclude`, reported as dropped on request).
std::vector<ColumnInfo> infer_columns(const RawTable& table, const std::string& target,
                                      const std::vector<std::string>& exclude);

// The report: a Markdown table of name, type, missing, distinct values and note.
std::string columns_markdown(const std::vector<ColumnInfo>& columns, int64_t rows);

// A date cell as its parts (year, month, day, day of week), or false when it is not a date.
bool parse_date(const std::string& cell, int& year, int& month, int& day, int& weekday);
// Days since 1970-01-01 of a valid civil date.
int64_t days_from_civil(int64_t year, int64_t month, int64_t day);

nlohmann::json to_json(const ColumnInfo& column);
ColumnInfo column_info_from_json(const nlohmann::json& j);

}  // namespace scidl::automl
