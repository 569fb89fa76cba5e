// `scidl evaluate` on a table: the loss and every metric the model was trained with, plus the
// task's usual numbers. Regression: MAE, RMSE and R² per target and over all targets.
// Classification: accuracy, log-loss, per-class precision, recall and F1, and the confusion matrix
// (CSV and PNG, io/classification_report.h). Written to metrics.csv (metric,target,value) in the
// output folder.
#pragma once
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "scidl/tensor/tensor.h"

namespace scidl::train {

struct EvaluationLine {
  std::string metric, target;  // target: a column name, or "all"
  double value = 0;
};

// `outputs` [N, k] are the model's (logits for classifiers), `targets` the table's, as
// read_model_table gives them. Returns the lines written to dir/metrics.csv.
std::vector<EvaluationLine> write_table_evaluation(const std::filesystem::path& dir,
                                                   const nlohmann::json& spec,
                                                   const Tensor& outputs, const Tensor& targets);

}  // namespace scidl::train
