#include "scidl/explain/feature_ranking.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "scidl/ops/shape_ops.h"

namespace scidl::explain {

std::vector<std::string> FeatureRanking::ranked_names() const {
  std::vector<std::string> out;
  for (int64_t i : order) out.push_back(names[i]);
  return out;
}

FeatureRanking rank_features(const Tensor& values, std::vector<std::string> names,
                             const std::vector<double>& scale) {
  if (!values.defined() || values.dim() < 1 || values.shape()[0] < 1)
    throw ExplainError("feature ranking: expected per-example values [N, F] with N >= 1");
  const int64_t n = values.shape()[0], f = values.numel() / n;
  if (names.empty())
    for (int64_t i = 0; i < f; ++i) names.push_back(fmt::format("x{}", i));
  if (static_cast<int64_t>(names.size()) != f)
    throw ExplainError(fmt::format("feature ranking: {} names for {} features", names.size(), f));
  if (!scale.empty() && static_cast<int64_t>(scale.size()) != f)
    throw ExplainError(fmt::format("feature ranking: {} scales for {} features", scale.size(), f));
  auto v = values.to_vector<double>();
  FeatureRanking r;
  r.names = std::move(names);
  r.scores.assign(f, 0.0);
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = 0; j < f; ++j) r.scores[j] += std::abs(v[i * f + j]);
  for (int64_t j = 0; j < f; ++j) r.scores[j] *= (scale.empty() ? 1.0 : scale[j]) / n;
  const double total = std::accumulate(r.scores.begin(), r.scores.end(), 0.0);
  for (double s : r.scores) r.shares.push_back(total > 0 ? s / total : 0.0);
  r.order.resize(f);
  std::iota(r.order.begin(), r.order.end(), 0);
  std::stable_sort(r.order.begin(), r.order.end(),
                   [&](int64_t a, int64_t b) { return r.scores[a] > r.scores[b]; });
  return r;
}

std::vector<double> feature_stddev(const Tensor& x) {
  const int64_t n = x.shape()[0], f = x.numel() / n;
  auto v = x.to_vector<double>();
  std::vector<double> mean(f, 0.0), sd(f, 0.0);
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = 0; j < f; ++j) mean[j] += v[i * f + j] / n;
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = 0; j < f; ++j)
      sd[j] += (v[i * f + j] - mean[j]) * (v[i * f + j] - mean[j]) / n;
  for (double& s : sd) s = s > 0 ? std::sqrt(s) : 1.0;
  return sd;
}

FeatureRanking gradient_ranking(nn::Module& model, const Tensor& x, const Target& target,
                                std::vector<std::string> names, bool standardise,
                                int64_t batch_size) {
  if (!x.defined() || x.dim() < 1 || x.shape()[0] < 1)
    throw ExplainError("feature ranking: expected a dataset [N, F] with N >= 1");
  const int64_t n = x.shape()[0];
  std::vector<Tensor> parts;
  for (int64_t at = 0; at < n; at += batch_size) {
    const int64_t end = std::min(n, at + batch_size);
    parts.push_back(
        target_gradient(model, slice(x, 0, at, end), target.for_rows(at, end - at, n)).gradient);
  }
  Tensor gradients = parts.size() == 1 ? parts[0] : concat(parts, 0);
  return rank_features(gradients, std::move(names),
                       standardise ? feature_stddev(x) : std::vector<double>{});
}

}  // namespace scidl::explain
