#include "scidl/automl/column_types.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <stdexcept>
#include <unordered_set>

namespace scidl::automl {
namespace {

bool digits(const std::string& s, size_t at, size_t n) {
  if (at + n > s.size()) return false;
  for (size_t i = at; i < at + n; ++i)
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
  return true;
}

// A row-number column: the integers first, first + 1, ... in row order.
bool counts_rows(const std::vector<std::string>& cells) {
  if (cells.size() < 20) return false;
  double expected = 0;
  for (size_t r = 0; r < cells.size(); ++r) {
    const auto v = parse_number(cells[r]);
    if (!v) return false;
    if (r == 0) expected = *v;
    if (*v != expected + static_cast<double>(r) || *v != static_cast<double>(int64_t(*v)))
      return false;
  }
  return true;
}

}  // namespace

const char* column_kind_name(ColumnKind kind) {
  switch (kind) {
    case ColumnKind::Numeric:
      return "numeric";
    case ColumnKind::Date:
      return "date";
    case ColumnKind::Categorical:
      return "categorical";
    case ColumnKind::Dropped:
      return "dropped";
  }
  return "?";
}

ColumnKind column_kind_from_name(const std::string& name) {
  for (auto kind :
       {ColumnKind::Numeric, ColumnKind::Date, ColumnKind::Categorical, ColumnKind::Dropped})
    if (name == column_kind_name(kind)) return kind;
  throw std::invalid_argument(fmt::format("unknown column type '{}'", name));
}

// Howard Hinnant's days_from_civil.
int64_t days_from_civil(int64_t y, int64_t m, int64_t d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

bool parse_date(const std::string& cell, int& year, int& month, int& day, int& weekday) {
  if (!digits(cell, 0, 4) || cell.size() < 10 || cell[4] != '-' || !digits(cell, 5, 2) ||
      cell[7] != '-' || !digits(cell, 8, 2))
    return false;
  if (cell.size() > 10 && cell[10] != ' ' && cell[10] != 'T') return false;
  year = std::stoi(cell.substr(0, 4));
  month = std::stoi(cell.substr(5, 2));
  day = std::stoi(cell.substr(8, 2));
  static constexpr int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12 || day < 1 || day > kDays[month - 1]) return false;
  const int64_t days = days_from_civil(year, month, day);
  weekday = static_cast<int>(((days % 7) + 7 + 3) % 7);  // 1970-01-01 was a Thursday (3)
  return true;
}

ColumnInfo infer_column(const std::string& name, const std::vector<std::string>& cells) {
  ColumnInfo info;
  info.name = name;
  std::unordered_set<std::string> values;
  int64_t numbers = 0, dates = 0, texts = 0, first_text = -1;
  for (size_t r = 0; r < cells.size(); ++r) {
    const std::string& cell = cells[r];
    if (is_missing(cell)) {
      ++info.missing;
      continue;
    }
    values.insert(cell);
    int y, m, d, w;
    if (parse_number(cell)) {
      ++numbers;
    } else if (parse_date(cell, y, m, d, w)) {
      ++dates;
    } else {
      ++texts;
      if (first_text < 0) first_text = static_cast<int64_t>(r);
    }
  }
  info.distinct = static_cast<int64_t>(values.size());
  const int64_t present = numbers + dates + texts;
  if (present == 0) {
    info.kind = ColumnKind::Dropped;
    info.note = "every value is missing";
  } else if (info.distinct == 1) {
    info.kind = ColumnKind::Dropped;
    info.note = fmt::format("constant ('{}' throughout)", *values.begin());
  } else if (numbers == present) {
    info.kind = ColumnKind::Numeric;
    if (info.missing == 0 && counts_rows(cells)) {
      info.kind = ColumnKind::Dropped;
      info.note =
          fmt::format("ID-like: counts the rows ({}, {}, {}, ...)", cells[0], cells[1], cells[2]);
    }
  } else if (dates == present) {
    info.kind = ColumnKind::Date;
    info.note = "split into year, month, day, day of week; and as days since 1970";
  } else {
    info.kind = ColumnKind::Categorical;
    if (numbers > 0 && first_text >= 0) {
      info.note = fmt::format(
          "mixes numbers ({} rows) and text ({} rows, first at data row {}: '{}'); treated as "
          "categories",
          numbers, texts + dates, first_text + 1, cells[static_cast<size_t>(first_text)]);
    } else if (info.distinct == present && present >= 20) {
      info.kind = ColumnKind::Dropped;
      info.note = "ID-like: a different text in every row";
    }
  }
  return info;
}

std::vector<ColumnInfo> infer_columns(const RawTable& table, const std::string& target,
                                      const std::vector<std::string>& exclude) {
  std::vector<ColumnInfo> out;
  for (size_t c = 0; c < table.names.size(); ++c) {
    if (table.names[c] == target) continue;
    if (std::find(exclude.begin(), exclude.end(), table.names[c]) != exclude.end()) {
      ColumnInfo info;
      info.name = table.names[c];
      info.kind = ColumnKind::Dropped;
      info.note = "excluded (--exclude)";
      out.push_back(info);
      continue;
    }
    out.push_back(infer_column(table.names[c], table.cells[c]));
  }
  return out;
}

std::string columns_markdown(const std::vector<ColumnInfo>& columns, int64_t rows) {
  std::string md = fmt::format(
      "{} rows\n\n| column | type | missing | distinct | note |\n"
      "|---|---|---:|---:|---|\n",
      rows);
  for (const auto& c : columns)
    md += fmt::format("| {} | {} | {} | {} | {} |\n", c.name, column_kind_name(c.kind), c.missing,
                      c.distinct, c.note);
  return md;
}

nlohmann::json to_json(const ColumnInfo& column) {
  return {{"name", column.name},
          {"kind", column_kind_name(column.kind)},
          {"missing", column.missing},
          {"distinct", column.distinct},
          {"note", column.note}};
}

ColumnInfo column_info_from_json(const nlohmann::json& j) {
  ColumnInfo c;
  c.name = j.at("name").get<std::string>();
  c.kind = column_kind_from_name(j.at("kind").get<std::string>());
  c.missing = j.value("missing", int64_t{0});
  c.distinct = j.value("distinct", int64_t{0});
  c.note = j.value("note", std::string{});
  return c;
}

}  // namespace scidl::automl
