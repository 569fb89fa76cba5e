// Caruana et al. (2004) greedy ensemble selection with replacement, as AutoGluon's
// WeightedEnsemble fits it: start empty; at each of `size` iterations add the model (again, if
// it is the best choice) whose predictions, averaged into the running ensemble
// ((s * average + p) / (s + 1)), score best on the validation rows; on the first iteration
// scores are rounded to 6 decimals when larger than 1e-4 in size; ties go to a model already in
// the ensemble, then to the first in zoo order (AutoGluon draws among them with a seeded
// RandomState(0); we take the first so the choice needs no NumPy generator). The trajectory is
// cut back to its best prefix (use_best) and weights are counts / prefix length.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "scidl/automl/eval_metric.h"

namespace scidl::automl {

struct EnsembleSelection {
  std::vector<double> weights;     // one per model, summing to 1
  std::vector<double> trajectory;  // the score after each iteration (higher is better)
  std::vector<int> order;          // the model added at each iteration
};

EnsembleSelection select_ensemble(const std::vector<Predictions>& predictions,
                                  const std::vector<double>& y, const std::string& metric,
                                  int size = 25);

// Caruana et al.'s bagged ensemble selection (section 4.4 of the paper): `bags` times, the
// selection above over a seeded random half of the models (at least 2), the weights averaged
// over the bags. A model that wins only against the ones beside it in a sample keeps a small
// weight, so the ensemble leans less on what a few validation rows happened to favour
// (bench/RESULTS.md). Two models or fewer, or a blend that scores below the best single model
// on the validation rows: the plain selection's weights.
std::vector<double> select_bagged_ensemble(const std::vector<Predictions>& predictions,
                                           const std::vector<double>& y, const std::string& metric,
                                           uint64_t seed, int bags = 20, int size = 25);

// The weighted average of `predictions` (same shape).
Predictions blend(const std::vector<Predictions>& predictions, const std::vector<double>& weights);

}  // namespace scidl::automl
