// scidl predict --model M --input X.csv --output Y.csv: run a trained model over a CSV. A model
// trained on a table reads the file's columns by name and names its outputs (model_table.h).
#include <fmt/core.h>

#include "command.h"
#include "scidl/automl/predictor.h"
#include "scidl/data/csv.h"
#include "scidl/data/table_reader.h"
#include "scidl/nn/model_io.h"
#include "scidl/nn/model_spec.h"
#include "scidl/ops/ops.h"
#include "scidl/train/input_range.h"
#include "scidl/train/model_table.h"
#include "scidl/train/trainer.h"

namespace {

// A model of several named inputs reads each from the CSV columns its training run recorded
// (spec.input_columns), by header name.
scidl::Tensor predict_named(const scidl::io::LoadedModel& loaded, const std::string& input,
                            int64_t batch, int64_t& rows) {
  const auto& spec = loaded.spec;
  const auto inputs = scidl::nn::model_inputs(spec);
  if (!spec.contains("input_columns"))
    throw std::invalid_argument(fmt::format(
        "the model has {} inputs but its file does not say which CSV columns feed each (models "
        "trained by `scidl train` with [data] inputs do)",
        inputs.size()));
  const scidl::DType dtype = scidl::nn::model_dtype(spec);
  scidl::TensorDict all;
  for (const auto& [name, shape] : inputs) {
    scidl::data::CsvOptions options;
    options.header = scidl::data::CsvHeader::Present;
    const auto columns = spec["input_columns"].value(name, std::vector<std::string>{});
    for (const auto& c : columns) options.columns.emplace_back(c);
    auto table = scidl::data::read_csv(input, options);  // names a missing column
    if (table.cols != scidl::numel_of(shape))
      throw std::invalid_argument(fmt::format("input '{}' has {} columns but the model takes {}",
                                              name, table.cols, scidl::numel_of(shape)));
    scidl::Shape full{table.rows};
    full.insert(full.end(), shape.begin(), shape.end());
    all.set(name, scidl::from_vector(table.values, full, dtype));
    rows = table.rows;
  }
  scidl::NoGradGuard ng;
  loaded.model->eval();
  std::vector<scidl::Tensor> parts;
  for (int64_t at = 0; at < rows; at += batch) {
    scidl::TensorDict part;
    for (const auto& [name, t] : all)
      part.set(name, scidl::slice(t, 0, at, std::min(rows, at + batch)));
    parts.push_back(loaded.model->forward_batch(part));
  }
  return parts.size() == 1 ? parts[0] : scidl::concat(parts, 0);
}

// The model's outputs for `rows` examples as a CSV: named after the training targets, or class
// probabilities and the predicted class (train/model_table.h); y0, y1, ... for older models.
void write_predictions(const std::string& path, const scidl::io::LoadedModel& loaded,
                       const scidl::Tensor& outputs, int64_t rows) {
  scidl::data::write_csv(
      path, scidl::train::prediction_table(loaded.spec, scidl::reshape(outputs, {rows, -1})));
  fmt::print("wrote {} predictions to {}\n", rows, path);
}

scidl::data::CsvHeader header_choice(const std::string& header) {
  return header == "yes"  ? scidl::data::CsvHeader::Present
         : header == "no" ? scidl::data::CsvHeader::Absent
                          : scidl::data::CsvHeader::Auto;
}

void warn_if_extrapolating(const scidl::io::LoadedModel& loaded, int64_t rows, int64_t cols,
                           const std::vector<double>& values) {
  const std::string warning = scidl::train::extrapolation_warning(loaded.spec, rows, cols, values);
  if (!warning.empty()) fmt::print(stderr, "scidl: warning: {}\n", warning);
}

// An automl predictor reads the table's columns by name, like a table model.
void predict_with_automl(const std::string& dir, const std::string& input,
                         const std::string& output) {
  const auto predictor = scidl::automl::load_predictor(dir);
  const auto table = scidl::automl::read_raw_table(input);
  int64_t bad = 0;
  const auto p = predictor.predict(table, &bad);
  if (bad > 0)
    fmt::print(stderr,
               "scidl: note: {} cells of {} did not parse as their column's type and were "
               "treated as missing\n",
               bad, input);
  scidl::automl::write_predictions(output, predictor, p);
  fmt::print("wrote {} predictions of {} ({}) to {}\n", p.rows, predictor.target, predictor.best,
             output);
}

struct PredictArgs {
  std::string model, input, output, header = "auto";
  int64_t batch = 4096;
};

SCIDL_COMMAND([](CLI::App& app) {
  auto a = std::make_shared<PredictArgs>();
  auto* cmd = app.add_subcommand("predict", "Run a trained model over the rows of a CSV file");
  cmd->add_option("--model", a->model,
                  "a model file written by scidl train (.scidl), or the folder of a scidl "
                  "automl predictor")
      ->required()
      ->check(CLI::ExistingPath);
  cmd->add_option("--input", a->input, "CSV of inputs, one row per example")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->add_option("--output", a->output, "CSV to write the predictions to")->required();
  // A batch of 0 once looped until memory ran out: the range is checked before any work.
  cmd->add_option("--batch-size", a->batch, "rows per forward pass (1 to 1,048,576)")
      ->check(CLI::Range(int64_t{1}, int64_t{1} << 20));
  cmd->add_option("--header", a->header,
                  "whether the input's first row names the columns: yes, no, or auto (a row "
                  "that names a column)")
      ->check(CLI::IsMember({"auto", "yes", "no"}))
      ->capture_default_str();
  cmd->callback([a] {
    if (scidl::automl::is_predictor_dir(a->model)) {
      predict_with_automl(a->model, a->input, a->output);
      return;
    }
    if (std::filesystem::is_directory(a->model))
      throw std::invalid_argument(fmt::format(
          "--model {} is a folder without predictor.json: give a model file (.scidl) or the "
          "--out folder of scidl automl",
          a->model));
    auto loaded = scidl::io::load_model(a->model);
    if (loaded.spec.contains("input_columns") || scidl::nn::model_inputs(loaded.spec).size() > 1) {
      int64_t rows = 0;
      scidl::Tensor y = predict_named(loaded, a->input, a->batch, rows);
      write_predictions(a->output, loaded, y, rows);
      return;
    }
    if (loaded.spec.contains("table")) {  // columns by name, as the model was trained
      auto table =
          scidl::train::read_model_table(loaded.spec, a->input, header_choice(a->header), false);
      if (!table.header_note.empty()) fmt::print(stderr, "scidl: note: {}\n", table.header_note);
      warn_if_extrapolating(loaded, table.rows, table.x.numel() / std::max<int64_t>(table.rows, 1),
                            table.x_values);
      scidl::nn::check_input_shape(loaded.spec, table.x.shape(), a->input);
      write_predictions(a->output, loaded, scidl::train::predict(*loaded.model, table.x, a->batch),
                        table.rows);
      return;
    }
    scidl::data::CsvOptions options;
    options.header = header_choice(a->header);
    auto table = scidl::data::read_table(a->input, options);
    scidl::Shape input_shape = scidl::nn::model_input_shape(loaded.spec);
    int64_t inputs = scidl::numel_of(input_shape);
    if (table.cols != inputs)
      throw std::invalid_argument(fmt::format("'{}' has {} columns but the model takes {} inputs",
                                              a->input, table.cols, inputs));
    warn_if_extrapolating(loaded, table.rows, table.cols, table.values);
    const scidl::DType dtype = scidl::nn::model_dtype(loaded.spec);
    scidl::Shape batch_shape{table.rows};  // images arrive as flattened rows of C*H*W values
    batch_shape.insert(batch_shape.end(), input_shape.begin(), input_shape.end());
    scidl::Tensor x = scidl::from_vector(table.values, batch_shape, dtype);
    write_predictions(a->output, loaded, scidl::train::predict(*loaded.model, x, a->batch),
                      table.rows);
  });
});

}  // namespace
