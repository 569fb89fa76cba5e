#include "scidl/train/model_table.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>

#include "scidl/data/table_dataset.h"
#include "scidl/data/table_reader.h"
#include "scidl/nn/model_spec.h"
#include "scidl/train/losses.h"
#include "scidl/train/run_config.h"

namespace scidl::train {
namespace {

std::vector<std::string> strings_of(const nlohmann::json& j, const char* key) {
  return j.contains(key) ? j[key].get<std::vector<std::string>>() : std::vector<std::string>{};
}

bool has(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

// The first row's role: forced, or decided by the columns the model knows.
// Positions standing in for names ("0", "1" of a file without a header) decide nothing: a
// first data row of 0 and 1 would otherwise be taken for them.
bool first_row_is_header(const data::CsvFirstRow& first, const std::vector<std::string>& names,
                         bool named, data::CsvHeader header, std::string& note,
                         const std::string& file) {
  if (header != data::CsvHeader::Auto) return header == data::CsvHeader::Present;
  const bool names_all =
      named && !names.empty() &&
      std::all_of(names.begin(), names.end(), [&](auto& n) { return has(first.cells, n); });
  const bool numeric = !first.looks_like_header;
  if (names_all && numeric)  // "0,1": numbers, but the model's own column names
    note = fmt::format(
        "'{}': its first row ({}) names the model's input columns, so it is read "
        "as the header (--header no reads it as data)",
        file, fmt::join(first.cells, ","));
  return names_all || first.looks_like_header;
}

}  // namespace

nlohmann::json table_description(const RunConfig& c, const data::Dataset& train) {
  if (c.data.source != "csv" || c.data.window > 0 || train.graphs) return nullptr;
  nlohmann::json t;
  t["x_columns"] = train.x_names;
  bool header = !c.data.table.empty() || !c.data.x_columns.empty();
  if (!header)
    header = c.data.header.value_or(data::read_table_first_row(c.data.x).looks_like_header);
  t["header"] = header;
  t["targets"] = train.y_names;
  t["loss"] = c.training.loss;
  t["metrics"] = c.training.metrics;
  if (loss_takes_class_indices(c.training.loss) && !train.class_names.empty())
    t["classes"] = train.class_names;
  return t;
}

ModelTable read_model_table(const nlohmann::json& spec, const std::filesystem::path& file,
                            data::CsvHeader header, bool targets) {
  const nlohmann::json& t = spec.at("table");
  const auto names = strings_of(t, "x_columns");
  const auto target_names = strings_of(t, "targets");
  const bool trained_with_header = t.value("header", false);
  const std::string path = file.string();
  ModelTable out;
  const data::CsvFirstRow first = data::read_table_first_row(file);
  const bool header_row =
      first_row_is_header(first, names, trained_with_header, header, out.header_note, path);
  const bool classes = loss_takes_class_indices(t.value("loss", std::string()));

  if (header_row && trained_with_header) {  // by name: reordered, extra columns ignored
    std::vector<std::string> missing;
    for (const auto& n : names)
      if (!has(first.cells, n)) missing.push_back(n);
    if (targets)
      for (const auto& n : target_names)
        if (!has(first.cells, n)) missing.push_back(n);
    if (!missing.empty())
      throw data::CsvError(fmt::format(
          "'{}' lacks the column{} {} that the model was trained on{} (its columns: {})", path,
          missing.size() > 1 ? "s" : "", fmt::join(missing, ", "),
          targets ? " (inputs and targets)" : "", fmt::join(first.cells, ", ")));
  } else {  // by position: the file must hold exactly the model's inputs (then its targets)
    if (targets && !header_row)
      throw data::CsvError(fmt::format(
          "'{}' has no header row, so its target column{} ({}) cannot be found; add a header "
          "naming the columns ({})",
          path, target_names.size() > 1 ? "s" : "", fmt::join(target_names, ", "),
          fmt::join(names, ", ")));
    const size_t want = names.size() + (targets ? target_names.size() : 0);
    if (first.cells.size() != want)
      throw data::CsvError(fmt::format(
          "'{}' has {} columns{} but the model takes {} inputs{}; {}", path, first.cells.size(),
          header_row ? "" : " and no header row", names.size(),
          targets ? fmt::format(" and {} target{}", target_names.size(),
                                target_names.size() > 1 ? "s" : "")
                  : "",
          trained_with_header ? fmt::format("give the file a header naming the columns ({})",
                                            fmt::join(names, ", "))
                              : "give it exactly those columns, in the training data's order"));
    if (header_row && !trained_with_header)
      out.header_note = fmt::format(
          "'{}': the model was trained on a file without a header, so the columns are taken by "
          "position",
          path);
  }

  data::CsvOptions options;
  options.header = header_row ? data::CsvHeader::Present : data::CsvHeader::Absent;
  const bool by_name = header_row && trained_with_header;
  for (size_t i = 0; i < names.size(); ++i)
    options.columns.push_back(by_name ? data::CsvColumn(names[i])
                                      : data::CsvColumn(static_cast<int64_t>(i)));
  if (targets)
    for (size_t i = 0; i < target_names.size(); ++i) {
      const data::CsvColumn c = by_name ? data::CsvColumn(target_names[i])
                                        : data::CsvColumn(static_cast<int64_t>(names.size() + i));
      (classes ? options.text_columns : options.columns).push_back(c);
    }
  data::CsvTable table = data::read_table(file, options);
  const int64_t n = table.rows, inputs = static_cast<int64_t>(names.size());
  const DType dtype = nn::model_dtype(spec);
  auto class_names = strings_of(t, "classes");
  if (targets)
    out.y =
        data::split_targets(table, inputs, classes, class_names, !class_names.empty(), dtype, path);
  out.rows = n;
  out.x_values = std::move(table.values);
  // rows hold sequences and images flattened, as training read them
  Shape shape{n};
  const Shape example = nn::model_input_shape(spec);
  if (example.size() > 1 && numel_of(example) == inputs)
    shape.insert(shape.end(), example.begin(), example.end());
  else
    shape.push_back(inputs);
  out.x = from_vector(out.x_values, shape, dtype);
  return out;
}

OutputColumns output_columns(const nlohmann::json& spec, int64_t outputs) {
  OutputColumns out;
  const nlohmann::json t = spec.value("table", nlohmann::json::object());
  const std::string loss = t.is_object() ? t.value("loss", std::string()) : std::string();
  auto names = t.is_object() ? strings_of(t, loss_takes_class_indices(loss) ? "classes" : "targets")
                             : std::vector<std::string>{};
  if (loss_takes_class_indices(loss)) out.kind = OutputColumns::ClassProbabilities;
  if (loss == "bce_with_logits") out.kind = OutputColumns::BinaryProbabilities;
  if (static_cast<int64_t>(names.size()) != outputs) {
    names.clear();  // class indices, or y0, y1, ... as before models knew their columns
    for (int64_t k = 0; k < outputs; ++k)
      names.push_back(out.kind == OutputColumns::ClassProbabilities ? std::to_string(k)
                                                                    : fmt::format("y{}", k));
  }
  out.names = names;
  return out;
}

data::CsvTable prediction_table(const nlohmann::json& spec, const Tensor& outputs) {
  const int64_t rows = outputs.shape()[0];
  const int64_t k = rows ? outputs.numel() / rows : 0;
  const OutputColumns columns = output_columns(spec, k);
  data::CsvTable table;
  table.rows = rows;
  table.cols = k;
  table.column_names = columns.names;
  table.values = outputs.contiguous().to_vector<double>();
  if (columns.kind == OutputColumns::BinaryProbabilities)
    for (double& v : table.values) v = 1 / (1 + std::exp(-v));
  if (columns.kind != OutputColumns::ClassProbabilities) return table;
  table.text_names = {"predicted"};
  table.text.assign(1, std::vector<std::string>(static_cast<size_t>(rows)));
  for (int64_t r = 0; r < rows; ++r) {  // softmax of the logits, stable
    double* p = table.values.data() + r * k;
    const double top = *std::max_element(p, p + k);
    double sum = 0;
    for (int64_t c = 0; c < k; ++c) sum += p[c] = std::exp(p[c] - top);
    for (int64_t c = 0; c < k; ++c) p[c] /= sum;
    table.text[0][static_cast<size_t>(r)] = columns.names[std::max_element(p, p + k) - p];
  }
  return table;
}

}  // namespace scidl::train
