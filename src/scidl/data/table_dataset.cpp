#include "scidl/data/table_dataset.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <charconv>
#include <set>

#include "scidl/data/csv.h"
#include "scidl/data/table_reader.h"

namespace scidl::data {
namespace {

// A label that is a whole number 0 <= n < 2^31, written as one ("3", not "3.0" or " 3").
bool integer_label(const std::string& label, int64_t& value) {
  if (label.empty() || label.size() > 10) return false;
  auto [end, error] = std::from_chars(label.data(), label.data() + label.size(), value);
  return error == std::errc() && end == label.data() + label.size() && value >= 0 &&
         value < (int64_t{1} << 31);
}

bool contains(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

// The CSV reader's message, with what to do when the cell that is not a number is in a target
// column (classes need a class loss) or an input column (text is not an input).
[[noreturn]] void rethrow_with_hint(const CsvError& e, const TableSpec& spec) {
  const std::string what = e.what();
  if (what.find("cannot parse") != std::string::npos)
    for (const auto& t : spec.targets)
      if (what.find("column '" + t + "'") != std::string::npos)
        throw CsvError(
            fmt::format("{}; target '{}' holds text: class labels need a class loss (loss = "
                        "\"cross_entropy\" or targets = \"classes\")",
                        what, t));
  if (what.find("cannot parse") != std::string::npos)
    throw CsvError(what +
                   "; inputs must be numbers: leave text columns out with x_columns, or name "
                   "the column in target");
  throw;
}

}  // namespace

std::vector<int64_t> class_indices(const std::vector<std::string>& labels,
                                   std::vector<std::string>& class_names, bool names_known,
                                   const std::string& where) {
  std::vector<int64_t> indices(labels.size());
  int64_t value = 0;
  if (!names_known) {
    const bool integers = std::all_of(labels.begin(), labels.end(), [&](const std::string& l) {
      return integer_label(l, value);
    });
    if (integers) {
      int64_t top = -1;
      for (size_t i = 0; i < labels.size(); ++i) {
        integer_label(labels[i], indices[i]);
        top = std::max(top, indices[i]);
      }
      class_names.clear();
      for (int64_t k = 0; k <= top; ++k) class_names.push_back(std::to_string(k));
      return indices;
    }
    std::set<std::string> distinct;  // "007" and "7" are one class, named "7"
    for (const auto& l : labels)
      distinct.insert(integer_label(l, value) ? std::to_string(value) : l);
    class_names.assign(distinct.begin(), distinct.end());
  }
  for (size_t i = 0; i < labels.size(); ++i) {
    const std::string& label = labels[i];
    if (label.empty())
      throw CsvError(fmt::format("{}: data row {} has no label (an empty cell)", where, i + 1));
    // "2" and "02" name the same integer class
    const std::string key = integer_label(label, value) ? std::to_string(value) : label;
    const auto it = std::find(class_names.begin(), class_names.end(), key);
    if (it == class_names.end())
      throw CsvError(
          fmt::format("{}: data row {} has label '{}', which is not one of the model's "
                      "{} classes ({})",
                      where, i + 1, label, class_names.size(), fmt::join(class_names, ", ")));
    indices[i] = it - class_names.begin();
  }
  return indices;
}

Tensor split_targets(CsvTable& table, int64_t inputs, bool classes,
                     std::vector<std::string>& class_names, bool names_known, DType dtype,
                     const std::string& file) {
  const int64_t n = table.rows, y_width = table.cols - inputs;
  std::vector<double> y(static_cast<size_t>(n * y_width));
  if (y_width > 0) {  // in place: row r's inputs move down to r * inputs, never past a read
    for (int64_t r = 0; r < n; ++r) {
      for (int64_t c = 0; c < y_width; ++c) y[r * y_width + c] = table.at(r, inputs + c);
      for (int64_t c = 0; c < inputs; ++c) table.values[r * inputs + c] = table.at(r, c);
    }
    table.values.resize(static_cast<size_t>(n * inputs));
    table.cols = inputs;
  }
  if (classes) {
    const auto labels =
        class_indices(table.text.at(0), class_names, names_known,
                      fmt::format("'{}', column '{}'", file, table.text_names.at(0)));
    return from_vector(labels, {n});
  }
  return from_vector(y, {n, y_width}, dtype);
}

Dataset read_table_dataset(const TableSpec& spec, const std::vector<std::string>* known_classes) {
  const std::string file = spec.path.string();
  if (spec.targets.empty()) throw CsvError(fmt::format("'{}': no target column named", file));
  if (spec.classes && spec.targets.size() != 1)
    throw CsvError(fmt::format("'{}': class targets are one column, got {} ({})", file,
                               spec.targets.size(), fmt::join(spec.targets, ", ")));
  const CsvFirstRow first = read_table_first_row(spec.path);
  for (const auto& t : spec.targets) {
    if (!contains(first.cells, t))
      throw CsvError(fmt::format("'{}': no column named '{}' for the target (columns: {})", file, t,
                                 fmt::join(first.cells, ", ")));
    if (contains(spec.x_columns, t))
      throw CsvError(fmt::format("'{}': column '{}' is both a target and in x_columns", file, t));
  }
  std::vector<std::string> x_names = spec.x_columns;
  if (x_names.empty())
    for (const auto& c : first.cells)
      if (!contains(spec.targets, c) && !contains(spec.exclude, c)) x_names.push_back(c);
  if (x_names.empty())
    throw CsvError(fmt::format("'{}': no input columns left besides the target ({})", file,
                               fmt::join(spec.targets, ", ")));

  CsvOptions options;
  options.header = CsvHeader::Present;
  for (const auto& c : x_names) options.columns.emplace_back(c);
  for (const auto& t : spec.targets)
    (spec.classes ? options.text_columns : options.columns).push_back(t);
  CsvTable table;
  try {
    table = read_table(spec.path, options);
  } catch (const CsvError& e) {
    rethrow_with_hint(e, spec);
  }

  Dataset d;
  const int64_t inputs = static_cast<int64_t>(x_names.size());
  if (known_classes) d.class_names = *known_classes;
  d.y = split_targets(table, inputs, spec.classes, d.class_names, known_classes != nullptr,
                      DType::Float32, file);
  d.x = from_vector(table.values, {table.rows, inputs}, DType::Float32);
  d.x_names = x_names;
  d.y_names = spec.targets;
  return d;
}

}  // namespace scidl::data
