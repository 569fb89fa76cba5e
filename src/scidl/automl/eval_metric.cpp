#include "scidl/automl/eval_metric.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace scidl::automl {

const char* task_name(Task task) {
  return task == Task::Regression ? "regression" : "classification";
}

void check_metric(const std::string& metric, Task task) {
  const auto ok = task_metrics(task);
  if (std::find(ok.begin(), ok.end(), metric) != ok.end()) return;
  std::string list;
  for (const auto& m : ok) {
    if (!list.empty()) list += ", ";
    list += m;
  }
  throw std::invalid_argument(fmt::format("--metric {} does not score {} (choose one of: {})",
                                          metric, task_name(task), list));
}

std::string default_metric(Task task) { return task == Task::Regression ? "rmse" : "accuracy"; }

std::vector<std::string> task_metrics(Task task) {
  if (task == Task::Regression) return {"rmse", "mae", "r2"};
  return {"accuracy", "log_loss"};
}

bool higher_is_better(const std::string& metric) { return metric == "r2" || metric == "accuracy"; }

double metric_value(const std::string& metric, const Predictions& p, const std::vector<double>& y) {
  const int64_t n = p.rows;
  if (n == 0) return std::nan("");
  if (metric == "rmse" || metric == "mae" || metric == "r2") {
    double se = 0, ae = 0, mean = 0;
    for (int64_t r = 0; r < n; ++r) mean += y[static_cast<size_t>(r)];
    mean /= static_cast<double>(n);
    double ss = 0;
    for (int64_t r = 0; r < n; ++r) {
      const double e = p.at(r, 0) - y[static_cast<size_t>(r)];
      se += e * e;
      ae += std::abs(e);
      const double d = y[static_cast<size_t>(r)] - mean;
      ss += d * d;
    }
    if (metric == "rmse") return std::sqrt(se / static_cast<double>(n));
    if (metric == "mae") return ae / static_cast<double>(n);
    return ss > 0 ? 1.0 - se / ss : 0.0;
  }
  if (metric == "accuracy") {
    int64_t correct = 0;
    for (int64_t r = 0; r < n; ++r)
      correct += p.best_class(r) == static_cast<int64_t>(y[static_cast<size_t>(r)]);
    return static_cast<double>(correct) / static_cast<double>(n);
  }
  if (metric == "log_loss") {  // scikit-learn's: rows renormalised, probabilities clipped
    double total = 0;
    for (int64_t r = 0; r < n; ++r) {
      double sum = 0;
      for (int64_t c = 0; c < p.cols; ++c) sum += p.at(r, c);
      const double q =
          p.at(r, static_cast<int64_t>(y[static_cast<size_t>(r)])) / (sum > 0 ? sum : 1.0);
      total -= std::log(std::clamp(q, 1e-15, 1.0 - 1e-15));
    }
    return total / static_cast<double>(n);
  }
  throw std::invalid_argument(fmt::format("unknown metric '{}'", metric));
}

double score(const std::string& metric, const Predictions& p, const std::vector<double>& y) {
  const double v = metric_value(metric, p, y);
  return higher_is_better(metric) ? v : -v;
}

Predictions take_rows(const Predictions& p, const std::vector<int64_t>& rows) {
  Predictions out;
  out.rows = static_cast<int64_t>(rows.size());
  out.cols = p.cols;
  out.values.reserve(static_cast<size_t>(out.rows * out.cols));
  for (int64_t r : rows)
    for (int64_t c = 0; c < p.cols; ++c) out.values.push_back(p.at(r, c));
  return out;
}

}  // namespace scidl::automl
