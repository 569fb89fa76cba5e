// Global salience: one score per input feature over a dataset, and the features ranked by it.
//   rank_features       mean |value| per feature of per-example attributions [N, F]
//   gradient_ranking    mean |dF/dz| per feature, z the standardised features: by the chain rule
//                       dF/dz_i = sigma_i dF/dx_i, so a model trained on raw features is ranked
//                       as if its inputs had been standardised (the Davies et al. notebook's
//                       salience, made comparable across units)
// Contract: values are [N, F] (trailing dims flattened); names are empty (features are then
// called x0, x1, ...) or one per feature. Ties keep the input order.
#pragma once
#include <string>
#include <vector>

#include "scidl/explain/target_gradient.h"

namespace scidl::explain {

struct FeatureRanking {
  std::vector<std::string> names;  // in the input's column order
  std::vector<double> scores;      // mean |value| per feature
  std::vector<double> shares;      // score / sum of scores (0 when all scores are 0)
  std::vector<int64_t> order;      // feature indices, most salient first

  std::vector<std::string> ranked_names() const;
};

FeatureRanking rank_features(const Tensor& values, std::vector<std::string> names = {},
                             const std::vector<double>& scale = {});

// Population standard deviation of each column of x [N, F] (1 where a column is constant).
std::vector<double> feature_stddev(const Tensor& x);

FeatureRanking gradient_ranking(nn::Module& model, const Tensor& x, const Target& target = {},
                                std::vector<std::string> names = {}, bool standardise = true,
                                int64_t batch_size = 4096);

}  // namespace scidl::explain
