// How the training rows are split to fit and to judge models, by AutoGluon's rules:
//   medium  one holdout split: max(0.1, min(0.2, 2500 / n)) of the rows validate (n < 5000;
//           max(0.01, min(0.1, 2500 / n)) beyond), the rest train
//   best    k-fold bagging with k = min(8, max(5, floor(n / 10))): each row validates exactly
//           once, so every model has out-of-fold predictions for all rows
// Classification folds are stratified (each class dealt round-robin over the folds after a
// seeded shuffle), as AutoGluon's StratifiedKFold; regression folds follow one seeded shuffle.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "scidl/automl/eval_metric.h"

namespace scidl::automl {

struct Fold {
  std::vector<int64_t> train, validation;  // row indices
  // A tenth of `train` held back from it, on which a model stops early (its best round or
  // epoch), so that its out-of-fold or holdout predictions, on which the ensemble is weighed,
  // are of rows nothing about the model was chosen on (stopping on them made the networks'
  // scores optimistic and the ensemble lean on them: bench/RESULTS.md). Empty, so models stop
  // on `validation`, below 200 training rows.
  std::vector<int64_t> stopping;
};

struct FoldPlan {
  std::vector<Fold> folds;
  // The rows models are judged and ensembled on (the holdout, or every row), and for each the
  // fold whose model did not see it.
  std::vector<int64_t> validation_rows;
  std::vector<int> fold_of_row;  // parallel to validation_rows
  bool bagged = false;
};

int bag_folds(int64_t rows);
double holdout_fraction(int64_t rows);

// `preset`: "medium" or "best"; y as TabularData::y. Throws std::invalid_argument when the
// table is too small to split (the message says how many rows it has and needs).
FoldPlan plan_folds(const std::string& preset, const std::vector<double>& y, Task task,
                    uint64_t seed);

}  // namespace scidl::automl
