// The metrics a model is chosen and ensembled by, scored as AutoGluon scores them: higher is
// better, so an error is reported negated (score_val -148.2 is an RMSE of 148.2).
// Predictions: regression one value per row; classification one probability per class and row.
// Targets: the value, or the class index.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace scidl::automl {

enum class Task { Regression, Classification };
const char* task_name(Task task);

struct Predictions {
  int64_t rows = 0, cols = 0;  // cols: 1 for regression, the classes for classification
  std::vector<double> values;  // row-major
  double at(int64_t r, int64_t c) const { return values[static_cast<size_t>(r * cols + c)]; }
  // Classification: the most probable class of row r (the first on a tie).
  int64_t best_class(int64_t r) const {
    int64_t best = 0;
    for (int64_t c = 1; c < cols; ++c)
      if (at(r, c) > at(r, best)) best = c;
    return best;
  }
};

// "rmse", "mae", "r2", "accuracy", "log_loss"; throws std::invalid_argument naming the choices.
void check_metric(const std::string& metric, Task task);
std::string default_metric(Task task);  // rmse, accuracy (AutoGluon's defaults)
// The metric's value (RMSE itself, not negated).
double metric_value(const std::string& metric, const Predictions& p, const std::vector<double>& y);
// Higher is better: the value, negated for errors (rmse, mae, log_loss).
double score(const std::string& metric, const Predictions& p, const std::vector<double>& y);
bool higher_is_better(const std::string& metric);
// The metrics reported for a task: rmse, mae, r2 | accuracy, log_loss.
std::vector<std::string> task_metrics(Task task);

// The rows `rows` of p.
Predictions take_rows(const Predictions& p, const std::vector<int64_t>& rows);

}  // namespace scidl::automl
