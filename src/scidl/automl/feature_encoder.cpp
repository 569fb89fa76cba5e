#include "scidl/automl/feature_encoder.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <stdexcept>

namespace scidl::automl {
namespace {

constexpr size_t kMaxCategories = 100;
constexpr const char* kDateParts[] = {"year", "month", "day", "dayofweek", "days"};
constexpr int kDateWidth = 5;

// The numbers one cell stands for: 1 for numeric, 4 for a date; NaN where missing or bad.
void cell_values(ColumnKind kind, const std::string& cell, double* out, bool& bad) {
  bad = false;
  if (kind == ColumnKind::Numeric) {
    const auto v = parse_number(cell);
    out[0] = v ? *v : std::nan("");
    bad = !v && !is_missing(cell);
    return;
  }
  int y, m, d, w;
  if (parse_date(cell, y, m, d, w)) {
    out[0] = y, out[1] = m, out[2] = d, out[3] = w;
    out[4] = static_cast<double>(days_from_civil(y, m, d));
    return;
  }
  for (int i = 0; i < kDateWidth; ++i) out[i] = std::nan("");
  bad = !is_missing(cell);
}

double median(std::vector<double> v) {
  if (v.empty()) return 0;
  const size_t mid = v.size() / 2;
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(mid), v.end());
  const double hi = v[mid];
  if (v.size() % 2 == 1) return hi;
  const double lo = *std::max_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(mid));
  return 0.5 * (lo + hi);
}

size_t width_of(ColumnKind kind) { return kind == ColumnKind::Date ? kDateWidth : 1; }

}  // namespace

FeatureEncoder::FeatureEncoder(const RawTable& table, const std::vector<ColumnInfo>& columns,
                               const std::vector<int64_t>& rows) {
  std::vector<int64_t> all = rows;
  if (all.empty())
    for (int64_t r = 0; r < table.rows; ++r) all.push_back(r);
  for (const auto& info : columns) {
    if (info.kind == ColumnKind::Dropped) continue;
    Column col;
    col.name = info.name;
    col.kind = info.kind;
    const auto& cells = table.cells[static_cast<size_t>(table.column(info.name, "column"))];
    if (info.kind == ColumnKind::Categorical) {
      std::map<std::string, int64_t> counts;
      for (int64_t r : all) {
        const auto& cell = cells[static_cast<size_t>(r)];
        if (!is_missing(cell)) ++counts[cell];
      }
      std::vector<std::pair<std::string, int64_t>> ranked(counts.begin(), counts.end());
      std::stable_sort(ranked.begin(), ranked.end(),
                       [](const auto& a, const auto& b) { return a.second > b.second; });
      if (ranked.size() > kMaxCategories) ranked.resize(kMaxCategories);
      for (auto& [value, count] : ranked) col.categories.push_back(value);
      std::sort(col.categories.begin(), col.categories.end());
    } else {
      const size_t w = width_of(info.kind);
      std::vector<std::vector<double>> present(w);
      double v[kDateWidth];
      bool bad = false;
      for (int64_t r : all) {
        cell_values(info.kind, cells[static_cast<size_t>(r)], v, bad);
        for (size_t i = 0; i < w; ++i)
          if (!std::isnan(v[i])) present[i].push_back(v[i]);
      }
      for (size_t i = 0; i < w; ++i) {
        const auto [lo, hi] = std::minmax_element(present[i].begin(), present[i].end());
        if (info.kind == ColumnKind::Date && (present[i].empty() || *lo == *hi)) continue;
        col.medians.push_back(median(present[i]));
        if (info.kind == ColumnKind::Date) col.parts.push_back(static_cast<int>(i));
      }
    }
    columns_.push_back(std::move(col));
  }
  name_features();
}

void FeatureEncoder::name_features() {
  feature_names_.clear();
  for (const auto& col : columns_) {
    if (col.kind == ColumnKind::Numeric) {
      feature_names_.push_back(col.name);
    } else if (col.kind == ColumnKind::Date) {
      for (int part : col.parts) feature_names_.push_back(col.name + "." + kDateParts[part]);
    } else {
      for (const auto& value : col.categories) feature_names_.push_back(col.name + "=" + value);
    }
  }
}

std::vector<std::string> FeatureEncoder::input_columns() const {
  std::vector<std::string> names;
  for (const auto& col : columns_) names.push_back(col.name);
  return names;
}

Tensor FeatureEncoder::encode(const RawTable& table, int64_t* bad_cells) const {
  const int64_t n = table.rows, f = features();
  std::vector<double> x(static_cast<size_t>(n * f), 0.0);
  int64_t offset = 0, bad_count = 0;
  for (const auto& col : columns_) {
    const auto& cells = table.cells[static_cast<size_t>(table.column(col.name, "input column"))];
    if (col.kind == ColumnKind::Categorical) {
      for (int64_t r = 0; r < n; ++r) {
        const auto& cell = cells[static_cast<size_t>(r)];
        const auto it = std::lower_bound(col.categories.begin(), col.categories.end(), cell);
        if (it != col.categories.end() && *it == cell)
          x[static_cast<size_t>(r * f + offset + (it - col.categories.begin()))] = 1.0;
      }
      offset += static_cast<int64_t>(col.categories.size());
      continue;
    }
    const size_t w = col.medians.size();
    double v[kDateWidth];
    bool bad = false;
    for (int64_t r = 0; r < n; ++r) {
      cell_values(col.kind, cells[static_cast<size_t>(r)], v, bad);
      bad_count += bad;
      for (size_t i = 0; i < w; ++i) {
        const double value = v[col.kind == ColumnKind::Date ? col.parts[i] : 0];
        x[static_cast<size_t>(r * f + offset) + i] = std::isnan(value) ? col.medians[i] : value;
      }
    }
    offset += static_cast<int64_t>(w);
  }
  if (bad_cells) *bad_cells = bad_count;
  return from_vector(x, {n, f}, DType::Float32);
}

nlohmann::json FeatureEncoder::to_json() const {
  auto cols = nlohmann::json::array();
  for (const auto& col : columns_) {
    nlohmann::json j = {{"name", col.name}, {"kind", column_kind_name(col.kind)}};
    if (col.kind == ColumnKind::Categorical)
      j["categories"] = col.categories;
    else
      j["medians"] = col.medians;
    if (col.kind == ColumnKind::Date) j["parts"] = col.parts;
    cols.push_back(j);
  }
  return {{"columns", cols}};
}

FeatureEncoder FeatureEncoder::from_json(const nlohmann::json& j) {
  FeatureEncoder e;
  for (const auto& c : j.at("columns")) {
    Column col;
    col.name = c.at("name").get<std::string>();
    col.kind = column_kind_from_name(c.at("kind").get<std::string>());
    if (col.kind == ColumnKind::Dropped)
      throw std::invalid_argument("an encoded column cannot be a dropped one");
    if (col.kind == ColumnKind::Categorical) {
      col.categories = c.at("categories").get<std::vector<std::string>>();
      if (!std::is_sorted(col.categories.begin(), col.categories.end()))
        throw std::invalid_argument(
            fmt::format("the categories of column '{}' are not sorted", col.name));
    } else {
      col.medians = c.at("medians").get<std::vector<double>>();
      if (col.kind == ColumnKind::Date) {
        col.parts = c.at("parts").get<std::vector<int>>();
        for (int part : col.parts)
          if (part < 0 || part >= kDateWidth || !std::is_sorted(col.parts.begin(), col.parts.end()))
            throw std::invalid_argument(fmt::format(
                "date column '{}': parts must be sorted, from 0 to {}", col.name, kDateWidth - 1));
      }
      const size_t w = col.kind == ColumnKind::Date ? col.parts.size() : 1;
      if (col.medians.size() != w)
        throw std::invalid_argument(
            fmt::format("column '{}' has {} medians, not {}", col.name, col.medians.size(), w));
    }
    e.columns_.push_back(std::move(col));
  }
  e.name_features();
  return e;
}

}  // namespace scidl::automl
