// The contract between a model trained on a table and the tables it is later given. Training
// saves in the model's spec (key "table") the input columns by name, whether the training data
// had a header, the target columns, the loss and metrics, and the class names. `scidl predict`
// and `scidl evaluate` then read any table by column name (reordered; extra columns ignored;
// missing ones named), decide a header made only of numbers ("0,1") by the training data's
// header, and name their outputs after the targets or classes.
#pragma once
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "scidl/data/csv.h"
#include "scidl/data/dataset.h"
#include "scidl/tensor/tensor.h"

namespace scidl::train {

struct RunConfig;

// The "table" entry of a model's spec for a run of `config` on `train` (its data as loaded), or
// null when the run's data is not a CSV table (images, graphs, generated or windowed data).
nlohmann::json table_description(const RunConfig& config, const data::Dataset& train);

struct ModelTable {
  Tensor x;  // [N, inputs] in the model's dtype
  Tensor y;  // with targets: float [N, targets] or int64 [N] (classes)
  int64_t rows = 0;
  std::vector<double> x_values;  // x row-major, for the extrapolation check
  std::string header_note;       // how the first row was read, when that was decided here
};

// Reads `file` for a model whose spec has a "table" entry: the inputs, and with `targets` the
// targets (which must then be named in the file's header). `header` forces the first row's
// role; Auto decides it (a row naming every input column is a header, even "0,1").
ModelTable read_model_table(const nlohmann::json& spec, const std::filesystem::path& file,
                            data::CsvHeader header, bool targets);

// The names of a model's output columns, and whether they are class probabilities (softmax of
// the logits; a "predicted" column of class names follows them) or sigmoid probabilities.
struct OutputColumns {
  std::vector<std::string> names;
  enum Kind { Values, ClassProbabilities, BinaryProbabilities } kind = Values;
};
OutputColumns output_columns(const nlohmann::json& spec, int64_t outputs);

// A model's outputs [N, outputs] as the table predict writes: named values, or probabilities and
// the predicted class.
data::CsvTable prediction_table(const nlohmann::json& spec, const Tensor& outputs);

}  // namespace scidl::train
