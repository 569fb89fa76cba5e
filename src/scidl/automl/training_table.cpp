#include "scidl/automl/training_table.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>
#include <stdexcept>

#include "scidl/data/table_dataset.h"
#include "scidl/tensor/random.h"

namespace scidl::automl {
namespace {

// The table without rows whose target is missing; returns how many went.
int64_t drop_missing_targets(RawTable& table, const std::string& target) {
  const auto& cells = table.cells[static_cast<size_t>(table.column(target, "target"))];
  std::vector<int64_t> keep;
  for (int64_t r = 0; r < table.rows; ++r)
    if (!is_missing(cells[static_cast<size_t>(r)])) keep.push_back(r);
  const int64_t dropped = table.rows - static_cast<int64_t>(keep.size());
  if (dropped > 0) table = table.subset(keep);
  return dropped;
}

Task infer_task(const std::vector<std::string>& cells, std::string& reason) {
  std::set<double> distinct;
  for (size_t r = 0; r < cells.size(); ++r) {
    const auto v = parse_number(cells[r]);
    if (!v) {
      reason = fmt::format("the target holds text ('{}' in data row {})", cells[r], r + 1);
      return Task::Classification;
    }
    if (distinct.size() <= 10) distinct.insert(*v);
  }
  const bool integers = std::all_of(distinct.begin(), distinct.end(),
                                    [](double v) { return v == double(int64_t(v)); });
  if (integers && distinct.size() <= 10) {
    reason = fmt::format("the target holds {} distinct integers", distinct.size());
    return Task::Classification;
  }
  reason = "the target holds numbers";
  return Task::Regression;
}

}  // namespace

std::vector<double> target_values(const RawTable& table, const std::string& target, Task task,
                                  std::vector<std::string>& classes, bool classes_known) {
  const auto& cells = table.cells[static_cast<size_t>(table.column(target, "target"))];
  std::vector<double> y;
  y.reserve(cells.size());
  if (task == Task::Regression) {
    for (size_t r = 0; r < cells.size(); ++r) {
      const auto v = parse_number(cells[r]);
      if (!v)
        throw std::invalid_argument(fmt::format(
            "{}: the target '{}' of a regression must be a number; data row {} holds '{}' (use "
            "--task classification for labels)",
            table.file, target, r + 1, cells[r]));
      y.push_back(*v);
    }
    return y;
  }
  const auto indices = data::class_indices(cells, classes, classes_known,
                                           fmt::format("'{}', column '{}'", table.file, target));
  for (int64_t i : indices) y.push_back(static_cast<double>(i));
  return y;
}

TrainingTables prepare_tables(const AutomlOptions& options) {
  TrainingTables t;
  t.train = read_raw_table(options.data);
  t.train.column(options.target, "--target");
  if (t.train.rows == 0) throw std::invalid_argument(fmt::format("{}: no data rows", t.train.file));
  t.dropped_train = drop_missing_targets(t.train, options.target);
  if (t.train.rows == 0)
    throw std::invalid_argument(
        fmt::format("{}: every row's target '{}' is missing", t.train.file, options.target));
  if (!options.test.empty()) {
    t.test = read_raw_table(options.test);
    t.test.column(options.target, "--target");
    t.dropped_test = drop_missing_targets(t.test, options.target);
    t.has_test = true;
  } else if (options.train_fraction < 1.0) {
    // A seeded shuffle; the first train_fraction of it trains.
    std::vector<int64_t> order(static_cast<size_t>(t.train.rows));
    for (int64_t i = 0; i < t.train.rows; ++i) order[static_cast<size_t>(i)] = i;
    Generator gen(options.seed + 1);
    for (int64_t i = t.train.rows - 1; i > 0; --i)
      std::swap(order[static_cast<size_t>(i)],
                order[static_cast<size_t>(gen.next_u64() % static_cast<uint64_t>(i + 1))]);
    const auto cut = static_cast<int64_t>(
        std::llround(options.train_fraction * static_cast<double>(t.train.rows)));
    if (cut < 1 || cut >= t.train.rows)
      throw std::invalid_argument(
          fmt::format("--train-fraction {} of {} rows leaves no training or no test row",
                      options.train_fraction, t.train.rows));
    std::vector<int64_t> train_rows(order.begin(), order.begin() + cut);
    std::vector<int64_t> test_rows(order.begin() + cut, order.end());
    std::sort(train_rows.begin(), train_rows.end());
    std::sort(test_rows.begin(), test_rows.end());
    t.test = t.train.subset(test_rows);
    t.train = t.train.subset(train_rows);
    t.has_test = true;
  }
  const auto& target_cells = t.train.cells[static_cast<size_t>(t.train.column(options.target, ""))];
  if (options.task) {
    t.task = *options.task;
    t.task_reason = "as asked (--task)";
  } else {
    t.task = infer_task(target_cells, t.task_reason);
  }
  t.y_train = target_values(t.train, options.target, t.task, t.classes, false);
  if (t.task == Task::Classification && t.classes.size() < 2)
    throw std::invalid_argument(fmt::format("{}: the target '{}' has only one class ('{}')",
                                            t.train.file, options.target, t.classes.at(0)));
  if (t.has_test) t.y_test = target_values(t.test, options.target, t.task, t.classes, true);
  return t;
}

}  // namespace scidl::automl
