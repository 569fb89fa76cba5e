// One table holding inputs and targets, as a Keras user hands over a DataFrame: `[data] path =
// "measurements.csv"`, `target = "species"`. The targets are columns named in the header; the
// inputs are x_columns, or every other column. Class targets may be text ("setosa"): the classes
// are the sorted distinct labels (as scikit-learn's LabelEncoder numbers them) and their names
// travel with the dataset into the model file; integer labels 0, 1, ... are their own indices.
#pragma once
#include <filesystem>
#include <string>
#include <vector>

#include "scidl/data/csv.h"
#include "scidl/data/dataset.h"

namespace scidl::data {

struct TableSpec {
  std::filesystem::path path;
  std::vector<std::string> targets;    // column names; one for class targets
  std::vector<std::string> x_columns;  // empty: every column that is not a target or excluded
  std::vector<std::string> exclude;    // columns that are neither inputs nor targets (group ids)
  bool classes = false;                // the target is a class label
};

// Reads `spec.path` into x float32 [N, inputs] and y float32 [N, targets] or int64 [N] (classes,
// named in class_names). With `known_classes` (a validation or test table of a trained
// classifier) labels are mapped onto those classes, and a label outside them is an error naming
// the row.
Dataset read_table_dataset(const TableSpec& spec,
                           const std::vector<std::string>* known_classes = nullptr);

// The targets of a table read with its `inputs` columns first: the numeric columns after them
// (a [N, k] tensor of `dtype`), or the labels of its one text column as class indices (int64
// [N]; named in class_names, which hold the known classes when `names_known`). table.values is
// left holding the inputs alone, [N, inputs] row-major. `file` names the table in errors.
Tensor split_targets(CsvTable& table, int64_t inputs, bool classes,
                     std::vector<std::string>& class_names, bool names_known, DType dtype,
                     const std::string& file);

// Class indices of text labels: the sorted distinct labels, or integers 0, 1, ... as themselves.
// `where` names the labels in errors ("'iris.csv', column 'species'").
std::vector<int64_t> class_indices(const std::vector<std::string>& labels,
                                   std::vector<std::string>& class_names, bool names_known,
                                   const std::string& where);

}  // namespace scidl::data
