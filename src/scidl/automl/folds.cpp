#include "scidl/automl/folds.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <stdexcept>

#include "scidl/tensor/random.h"

namespace scidl::automl {
namespace {

std::vector<int64_t> shuffled_rows(int64_t n, uint64_t seed) {
  std::vector<int64_t> rows(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) rows[static_cast<size_t>(i)] = i;
  Generator gen(seed);
  for (int64_t i = n - 1; i > 0; --i)  // Fisher-Yates
    std::swap(rows[static_cast<size_t>(i)],
              rows[static_cast<size_t>(gen.next_u64() % static_cast<uint64_t>(i + 1))]);
  return rows;
}

// Each row's fold: classes dealt round-robin (stratified), or the shuffled rows in turn.
std::vector<int> deal(const std::vector<double>& y, Task task, int k, uint64_t seed) {
  const auto order = shuffled_rows(static_cast<int64_t>(y.size()), seed);
  std::vector<int> fold(y.size());
  if (task == Task::Classification) {
    std::map<double, std::vector<int64_t>> by_class;
    for (int64_t r : order) by_class[y[static_cast<size_t>(r)]].push_back(r);
    int next = 0;  // continue the deal across classes so fold sizes differ by at most one
    for (auto& [label, rows] : by_class)
      for (int64_t r : rows) fold[static_cast<size_t>(r)] = next++ % k;
  } else {
    for (size_t i = 0; i < order.size(); ++i)
      fold[static_cast<size_t>(order[i])] = static_cast<int>(i % static_cast<size_t>(k));
  }
  return fold;
}

}  // namespace

int bag_folds(int64_t rows) {
  return static_cast<int>(std::min<int64_t>(8, std::max<int64_t>(5, rows / 10)));
}

double holdout_fraction(int64_t rows) {
  const double n = static_cast<double>(rows);
  return rows < 5000 ? std::max(0.1, std::min(0.2, 2500.0 / n))
                     : std::max(0.01, std::min(0.1, 2500.0 / n));
}

namespace {

FoldPlan plan_folds_without_stopping(const std::string& preset, const std::vector<double>& y,
                                     Task task, uint64_t seed) {
  const int64_t n = static_cast<int64_t>(y.size());
  FoldPlan plan;
  if (preset == "best") {
    const int k = bag_folds(n);
    if (n < 2 * k)
      throw std::invalid_argument(fmt::format(
          "the training data has {} rows, too few for {}-fold bagging (--preset best needs at "
          "least {}); use --preset medium or more rows",
          n, k, 2 * k));
    const auto fold_of = deal(y, task, k, seed);
    plan.bagged = true;
    plan.folds.resize(static_cast<size_t>(k));
    for (int64_t r = 0; r < n; ++r) {
      const int f = fold_of[static_cast<size_t>(r)];
      for (int g = 0; g < k; ++g)
        (g == f ? plan.folds[static_cast<size_t>(g)].validation
                : plan.folds[static_cast<size_t>(g)].train)
            .push_back(r);
      plan.validation_rows.push_back(r);
      plan.fold_of_row.push_back(f);
    }
    return plan;
  }
  if (preset != "medium")
    throw std::invalid_argument(fmt::format("unknown preset '{}' (medium, best)", preset));
  if (n < 10)
    throw std::invalid_argument(
        fmt::format("the training data has {} rows; a holdout split needs at least 10", n));
  // Validation rows: the first of every 1/fraction rows of the stratified deal, so classes keep
  // their shares in both parts.
  const int k = std::max(2, static_cast<int>(std::lround(1.0 / holdout_fraction(n))));
  const auto fold_of = deal(y, task, k, seed);
  Fold fold;
  for (int64_t r = 0; r < n; ++r) {
    if (fold_of[static_cast<size_t>(r)] == 0) {
      fold.validation.push_back(r);
      plan.validation_rows.push_back(r);
      plan.fold_of_row.push_back(0);
    } else {
      fold.train.push_back(r);
    }
  }
  plan.folds.push_back(std::move(fold));
  return plan;
}

// Fold f's early-stopping rows: one tenth of its training rows, dealt as the folds are.
void hold_back_stopping_rows(Fold& fold, const std::vector<double>& y, Task task, uint64_t seed) {
  if (fold.train.size() < 200) return;  // fewer than 20 rows to stop on would stop at random
  std::vector<double> labels;
  for (int64_t r : fold.train) labels.push_back(y[static_cast<size_t>(r)]);
  const auto part = deal(labels, task, 10, seed);
  std::vector<int64_t> kept;
  for (size_t i = 0; i < fold.train.size(); ++i)
    (part[i] == 0 ? fold.stopping : kept).push_back(fold.train[i]);
  fold.train = std::move(kept);
}

}  // namespace

FoldPlan plan_folds(const std::string& preset, const std::vector<double>& y, Task task,
                    uint64_t seed) {
  FoldPlan plan = plan_folds_without_stopping(preset, y, task, seed);
  // A holdout split (medium) too: stopping on the holdout made the networks' holdout scores
  // 30-50 RMSE optimistic on bike rentals (bench/RESULTS.md), and once judged its models are
  // refitted on every row (automl/refit_full.h), so the tenth costs the predictor nothing.
  for (size_t f = 0; f < plan.folds.size(); ++f)
    hold_back_stopping_rows(plan.folds[f], y, task, seed * 31 + f + 1);
  return plan;
}

}  // namespace scidl::automl
