#include "scidl/automl/ensemble_selection.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>

#include "scidl/tensor/random.h"

namespace scidl::automl {

namespace {

EnsembleSelection select_among(const std::vector<const Predictions*>& predictions,
                               const std::vector<double>& y, const std::string& metric, int size) {
  if (predictions.empty()) throw std::invalid_argument("ensemble selection needs a model");
  const size_t m = predictions.size();
  const size_t cells = predictions[0]->values.size();
  EnsembleSelection out;
  std::vector<int> counts(m, 0);
  Predictions running = *predictions[0];
  std::fill(running.values.begin(), running.values.end(), 0.0);
  Predictions candidate = running;
  for (int s = 0; s < size; ++s) {
    std::vector<double> scores(m);
    for (size_t j = 0; j < m; ++j) {
      for (size_t c = 0; c < cells; ++c)
        candidate.values[c] = (s * running.values[c] + predictions[j]->values[c]) / (s + 1);
      double v = score(metric, candidate, y);
      if (std::isnan(v)) v = -INFINITY;
      if (s == 0 && std::abs(v) > 1e-4) v = std::round(v * 1e6) / 1e6;
      scores[j] = v;
    }
    const double best = *std::max_element(scores.begin(), scores.end());
    int chosen = -1;
    for (size_t j = 0; j < m && chosen < 0; ++j)
      if (scores[j] == best && counts[j] > 0) chosen = static_cast<int>(j);
    for (size_t j = 0; j < m && chosen < 0; ++j)
      if (scores[j] == best) chosen = static_cast<int>(j);
    const auto& p = predictions[static_cast<size_t>(chosen)]->values;
    for (size_t c = 0; c < cells; ++c) running.values[c] = (s * running.values[c] + p[c]) / (s + 1);
    ++counts[static_cast<size_t>(chosen)];
    out.order.push_back(chosen);
    out.trajectory.push_back(best);
  }
  // use_best: the first prefix reaching the best score.
  const size_t best_len = static_cast<size_t>(
      std::max_element(out.trajectory.begin(), out.trajectory.end()) - out.trajectory.begin() + 1);
  out.weights.assign(m, 0.0);
  for (size_t i = 0; i < best_len; ++i)
    out.weights[static_cast<size_t>(out.order[i])] += 1.0 / static_cast<double>(best_len);
  return out;
}

}  // namespace

EnsembleSelection select_ensemble(const std::vector<Predictions>& predictions,
                                  const std::vector<double>& y, const std::string& metric,
                                  int size) {
  std::vector<const Predictions*> all;
  for (const auto& p : predictions) all.push_back(&p);
  return select_among(all, y, metric, size);
}

std::vector<double> select_bagged_ensemble(const std::vector<Predictions>& predictions,
                                           const std::vector<double>& y, const std::string& metric,
                                           uint64_t seed, int bags, int size) {
  const size_t m = predictions.size();
  if (m <= 2 || bags <= 1) return select_ensemble(predictions, y, metric, size).weights;
  const size_t take = std::max<size_t>(2, m / 2);
  Generator gen(seed);
  std::vector<size_t> index(m);
  std::vector<double> weights(m, 0.0);
  for (int b = 0; b < bags; ++b) {
    std::iota(index.begin(), index.end(), size_t{0});
    for (size_t i = 0; i < take; ++i)  // a partial Fisher-Yates shuffle: `take` distinct models
      std::swap(index[i], index[i + gen.next_u64() % (m - i)]);
    std::sort(index.begin(), index.begin() + static_cast<std::ptrdiff_t>(take));  // zoo order
    std::vector<const Predictions*> sample;
    for (size_t i = 0; i < take; ++i) sample.push_back(&predictions[index[i]]);
    const auto chosen = select_among(sample, y, metric, size).weights;
    for (size_t i = 0; i < take; ++i) weights[index[i]] += chosen[i] / bags;
  }
  // As the plain selection, never below the best single model on the validation rows.
  double best_single = -INFINITY;
  for (const auto& p : predictions) best_single = std::max(best_single, score(metric, p, y));
  if (!(score(metric, blend(predictions, weights), y) >= best_single))
    return select_ensemble(predictions, y, metric, size).weights;
  return weights;
}

Predictions blend(const std::vector<Predictions>& predictions, const std::vector<double>& weights) {
  Predictions out = predictions.at(0);
  std::fill(out.values.begin(), out.values.end(), 0.0);
  for (size_t j = 0; j < predictions.size(); ++j) {
    if (weights[j] == 0) continue;
    for (size_t c = 0; c < out.values.size(); ++c)
      out.values[c] += weights[j] * predictions[j].values[c];
  }
  return out;
}

}  // namespace scidl::automl
