// A table's columns as the numbers every model of the zoo reads, learned from the training rows
// alone and saved with the predictor so later tables are encoded the same way:
//   numeric      the value; a missing one becomes the training median
//   date         its parts (year, month, day, day of week, days since 1970) that vary over the
//                training rows (a part that does not carries nothing and would only be scaled by
//                zero spread), each imputed like a number
//   categorical  one-hot over the training data's 100 most frequent values (an unseen or missing
//                value sets none), as AutoGluon's neural network and linear models see them
// Dropped columns are not read. A later table is read by column name (order free, extra columns
// ignored, a missing one named); a cell that does not parse in a numeric or date column is
// treated as missing and counted (bad_cells) so the caller can say so.
#pragma once
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "scidl/automl/column_types.h"
#include "scidl/automl/raw_table.h"
#include "scidl/tensor/tensor.h"

namespace scidl::automl {

class FeatureEncoder {
 public:
  FeatureEncoder() = default;
  // Learns medians and categories from `rows` of `table` (all rows when empty).
  FeatureEncoder(const RawTable& table, const std::vector<ColumnInfo>& columns,
                 const std::vector<int64_t>& rows = {});

  // float32 [table.rows, features()].
  Tensor encode(const RawTable& table, int64_t* bad_cells = nullptr) const;
  int64_t features() const { return static_cast<int64_t>(feature_names_.size()); }
  const std::vector<std::string>& feature_names() const { return feature_names_; }
  // The input columns (numeric, date, categorical), in the order they are encoded.
  std::vector<std::string> input_columns() const;

  nlohmann::json to_json() const;
  static FeatureEncoder from_json(const nlohmann::json& j);

 private:
  struct Column {
    std::string name;
    ColumnKind kind = ColumnKind::Numeric;
    std::vector<double> medians;  // numeric: 1; date: one per part
    std::vector<int> parts;       // date: which of year, month, day, day of week, days since 1970
    std::vector<std::string> categories;  // categorical
  };
  void name_features();
  std::vector<Column> columns_;
  std::vector<std::string> feature_names_;
};

}  // namespace scidl::automl
