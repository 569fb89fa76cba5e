// The tables automl learns from: the data (and test data, given or split off at random), rows
// whose target is missing dropped and counted, the task decided (a target of text, or of at
// most 10 distinct integers, is a class label; other numbers are values to regress), and the
// targets as numbers: values, or class indices over the training data's sorted labels.
#pragma once
#include <string>
#include <vector>

#include "scidl/automl/automl.h"
#include "scidl/automl/raw_table.h"

namespace scidl::automl {

struct TrainingTables {
  RawTable train, test;
  bool has_test = false;
  Task task = Task::Regression;
  std::string task_reason;
  std::vector<std::string> classes;
  std::vector<double> y_train, y_test;
  int64_t dropped_train = 0, dropped_test = 0;  // rows without a target
};

TrainingTables prepare_tables(const AutomlOptions& options);

// The targets of `table` (rows with a missing target must be gone). Classification: indices into
// `classes`, which are made from these labels unless `classes_known`; a label outside known
// classes is an error naming its row.
std::vector<double> target_values(const RawTable& table, const std::string& target, Task task,
                                  std::vector<std::string>& classes, bool classes_known);

}  // namespace scidl::automl
