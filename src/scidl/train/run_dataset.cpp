// Loading the data a run's config names (RunConfig's DataSpec, run_config.h): the training set
// from a table, CSV files, Fashion-MNIST, a TU graph set, windows of trajectories or a synthetic
// problem, with its groups and named inputs, and the validation set spec.validation names.
#include <fmt/format.h>

#include "scidl/data/augment.h"
#include "scidl/data/csv.h"
#include "scidl/data/fashion_mnist.h"
#include "scidl/data/synthetic.h"
#include "scidl/data/table_dataset.h"
#include "scidl/data/table_reader.h"
#include "scidl/data/tu_dataset.h"
#include "scidl/data/windows.h"
#include "scidl/train/run_config.h"

namespace scidl::train {

data::Dataset load_validation_dataset(const DataSpec& spec, const data::Dataset& train) {
  if (spec.validation == "table") {  // the training table's columns, by name, in its order
    data::TableSpec table;
    table.path = spec.validation_table;
    table.targets = spec.target;
    table.x_columns = train.x_names;
    table.classes = spec.targets == "classes";
    return data::read_table_dataset(table, table.classes ? &train.class_names : nullptr);
  }
  if (spec.validation != "test" || spec.source != "fashion_mnist")
    throw std::invalid_argument(
        fmt::format("no validation set '{}' for source '{}'", spec.validation, spec.source));
  return data::load_fashion_mnist("test");
}

namespace {
// One group id per row of x (trajectories, runs), from data.groups (a file) or data.group_column
// (a column of x); undefined when neither is set.
Tensor read_groups(const DataSpec& spec, const data::CsvOptions& options, int64_t rows) {
  data::CsvTable g;
  if (!spec.groups.empty()) {
    g = data::read_table(spec.groups, options);
  } else if (!spec.group_column.empty()) {
    data::CsvOptions column = options;
    column.header = data::CsvHeader::Present;
    column.columns.emplace_back(spec.group_column);
    g = data::read_table(spec.x, column);  // names a missing column and the file
  } else {
    return Tensor();
  }
  const std::string from =
      spec.groups.empty() ? fmt::format("column '{}' of '{}'", spec.group_column, spec.x.string())
                          : fmt::format("'{}'", spec.groups.string());
  if (g.rows != rows || g.cols != 1)
    throw std::invalid_argument(
        fmt::format("{} must hold one group id per row of '{}' ({} rows), found {}x{}", from,
                    spec.x.string(), rows, g.rows, g.cols));
  std::vector<int64_t> ids(g.values.size());
  for (size_t i = 0; i < ids.size(); ++i) {
    if (g.values[i] != std::floor(g.values[i]))
      throw std::invalid_argument(
          fmt::format("{}: row {} has group id {}, not an integer", from, i + 1, g.values[i]));
    ids[i] = static_cast<int64_t>(g.values[i]);
  }
  return from_vector(ids, {rows});
}
// [data] inputs: each further model input from its columns of x, by header name.
void read_named_inputs(const DataSpec& spec, data::Dataset& d) {
  for (const auto& [name, columns] : spec.inputs) {
    data::CsvOptions options;
    options.header = data::CsvHeader::Present;
    for (const auto& column : columns) options.columns.emplace_back(column);
    data::CsvTable t = data::read_table(spec.x, options);
    d.inputs.set(name, from_vector(t.values, {t.rows, t.cols}, DType::Float32));
  }
}
}  // namespace

data::Dataset load_dataset(const DataSpec& spec, uint64_t seed) {
  if (spec.source == "fashion_mnist") return data::load_fashion_mnist("train");
  if (spec.source == "idx") return data::load_idx_dataset(spec.images, spec.labels);
  if (spec.source == "tu")
    return data::read_tu_dataset(spec.graph_dir, spec.graph_name, spec.node_attributes).data;
  if (spec.source == "damped_oscillator")
    return data::damped_oscillator_dataset(spec.trajectories, spec.points, seed);
  // data.header, when set, holds for every file; else x_columns needs one, or it is detected
  const data::CsvHeader header = !spec.header   ? data::CsvHeader::Auto
                                 : *spec.header ? data::CsvHeader::Present
                                                : data::CsvHeader::Absent;
  data::CsvOptions options;
  options.header = header;
  if (spec.window > 0) {  // sequences: windows of x's rows in, the next row out
    data::CsvOptions series_options = options;
    for (const auto& name : spec.x_columns) series_options.columns.emplace_back(name);
    if (!spec.x_columns.empty()) series_options.header = data::CsvHeader::Present;
    data::CsvTable series = data::read_table(spec.x, series_options);
    // A trajectory must be finite: name the row here, where it is still a row of the file.
    for (int64_t r = 0; r < series.rows; ++r)
      for (int64_t c = 0; c < series.cols; ++c)
        if (!std::isfinite(series.at(r, c)))
          throw std::invalid_argument(fmt::format(
              "'{}': data row {}{} holds {} in column '{}'; windows of a series need finite "
              "numbers (nothing was written)",
              spec.x.string(), r + 1,
              series_options.header == data::CsvHeader::Present ? fmt::format(" (line {})", r + 2)
                                                                : std::string(),
              series.at(r, c), series.column_names[static_cast<size_t>(c)]));
    const Tensor groups = read_groups(spec, options, series.rows);
    data::Dataset d;
    try {
      d = data::make_windows(from_vector(series.values, {series.rows, series.cols}, DType::Float32),
                             groups, spec.window, spec.window_target == "difference");
    } catch (const std::invalid_argument& e) {
      throw std::invalid_argument(fmt::format("'{}': {}", spec.x.string(), e.what()));
    }
    d.x_names = d.y_names = series.column_names;
    return d;
  }
  if (!spec.table.empty()) {
    data::TableSpec table;
    table.path = spec.table;
    table.targets = spec.target;
    table.x_columns = spec.x_columns;
    if (!spec.group_column.empty()) table.exclude.push_back(spec.group_column);
    for (const auto& [name, columns] : spec.inputs)  // further inputs are not x's columns
      table.exclude.insert(table.exclude.end(), columns.begin(), columns.end());
    table.classes = spec.targets == "classes";
    data::Dataset d = data::read_table_dataset(table);
    read_named_inputs(spec, d);
    d.groups = read_groups(spec, options, d.size());
    return d;
  }
  data::CsvOptions x_options = options;
  for (const auto& name : spec.x_columns) x_options.columns.emplace_back(name);
  if (!spec.x_columns.empty()) x_options.header = data::CsvHeader::Present;
  data::CsvTable x = data::read_table(spec.x, x_options);  // names a missing column and the file
  data::CsvTable y = data::read_table(spec.y, options);
  if (x.rows != y.rows)
    throw std::invalid_argument(
        fmt::format("'{}' has {} rows but '{}' has {}; they must match row for row",
                    spec.x.string(), x.rows, spec.y.string(), y.rows));
  data::Dataset d;
  d.x = from_vector(x.values, {x.rows, x.cols}, DType::Float32);
  read_named_inputs(spec, d);
  d.x_names = x.column_names;
  d.y_names = y.column_names;
  if (spec.targets == "classes") {
    if (y.cols != 1)
      throw std::invalid_argument(
          fmt::format("'{}': class targets need one column, found {}", spec.y.string(), y.cols));
    std::vector<int64_t> labels(y.rows);
    for (int64_t i = 0; i < y.rows; ++i) {
      double v = y.values[i];
      if (v != std::floor(v) || v < 0)
        throw std::invalid_argument(
            fmt::format("'{}': row {} holds {}, not a class index", spec.y.string(), i + 1, v));
      labels[i] = static_cast<int64_t>(v);
    }
    d.y = from_vector(labels, {y.rows});
  } else {
    d.y = from_vector(y.values, {y.rows, y.cols}, DType::Float32);
  }
  d.groups = read_groups(spec, options, x.rows);
  return d;
}

}  // namespace scidl::train
