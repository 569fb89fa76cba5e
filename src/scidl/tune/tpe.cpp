// Optuna's univariate TPE for one axis (optuna/samplers/_tpe/parzen_estimator.py): a Parzen
// estimator of the good trials' values, l(x), and of the others', g(x); candidates are drawn
// from l and the one with the largest log l(x) − log g(x) is proposed.
#include <algorithm>
#include <cmath>
#include <limits>

#include "scidl/tune/searcher.h"

namespace scidl::tune {

namespace {

constexpr double kPriorWeight = 1.0;

// default_weights(n): ones below 25; beyond, the oldest n − 25 ramp up from 1/n.
std::vector<double> kernel_weights(size_t n) {
  std::vector<double> w(n, 1.0);
  if (n >= 25)
    for (size_t i = 0; i + 25 < n; ++i)
      w[i] =
          n - 25 == 1 ? 1.0 / n : 1.0 / n + (1.0 - 1.0 / n) * static_cast<double>(i) / (n - 26.0);
  w.push_back(kPriorWeight);
  double sum = 0;
  for (double v : w) sum += v;
  for (double& v : w) v /= sum;
  return w;
}

double normal_cdf(double z) { return 0.5 * std::erfc(-z / std::sqrt(2.0)); }

double log_sum_exp(const std::vector<double>& terms) {
  double top = -std::numeric_limits<double>::infinity();
  for (double t : terms) top = std::max(top, t);
  if (!std::isfinite(top)) return top;
  double sum = 0;
  for (double t : terms) sum += std::exp(t - top);
  return top + std::log(sum);
}

// A numeric axis in the space TPE models it in: log where the domain samples the log; an
// integer or quantised axis keeps its step, so kernels cover [low − step/2, high + step/2].
struct NumericAxis {
  double low, high, step;  // step 0: continuous
  bool log;

  static NumericAxis of(const Domain& d) {
    const bool excludes_high = d.kind == DomainKind::randint || d.kind == DomainKind::lograndint;
    const double high = excludes_high ? d.high - 1 : d.high;
    double step = d.is_integer() ? std::max(1.0, d.q) : d.q;
    if (d.is_log()) {  // continuous in log space; the draw is snapped back to the domain
      const double half = d.is_integer() ? 0.5 : 0.0;
      return {std::log(d.low - half), std::log(high + half), 0.0, true};
    }
    return {d.low, high, step, false};
  }
  double to_model(double v) const { return log ? std::log(v) : v; }
  double from_model(double v) const { return log ? std::exp(v) : v; }
};

struct Mixture {
  std::vector<double> mus, sigmas, weights;
  double low, high, step;

  // _calculate_numerical_distributions: each kernel's width is the larger gap to its sorted
  // neighbours (the ends use the inner gap), clipped to [range/min(100, 1 + kernels), range].
  static Mixture of(const std::vector<double>& observations, const NumericAxis& a) {
    Mixture m{observations, {}, kernel_weights(observations.size()), a.low, a.high, a.step};
    const double prior_mu = 0.5 * (a.low + a.high), range = a.high - a.low + a.step;
    std::vector<double> with_prior = observations;
    with_prior.push_back(prior_mu);
    std::vector<size_t> order(with_prior.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(),
                     [&](size_t x, size_t y) { return with_prior[x] < with_prior[y]; });
    std::vector<double> ends{a.low - a.step / 2};
    for (size_t i : order) ends.push_back(with_prior[i]);
    ends.push_back(a.high + a.step / 2);
    std::vector<double> sorted_sigmas(with_prior.size());
    for (size_t i = 0; i < sorted_sigmas.size(); ++i)
      sorted_sigmas[i] = std::max(ends[i + 1] - ends[i], ends[i + 2] - ends[i + 1]);
    if (ends.size() >= 4) {
      sorted_sigmas.front() = ends[2] - ends[1];
      sorted_sigmas.back() = ends[ends.size() - 2] - ends[ends.size() - 3];
    }
    std::vector<double> sigmas(with_prior.size());
    for (size_t i = 0; i < order.size(); ++i) sigmas[order[i]] = sorted_sigmas[i];
    const double min_sigma = range / std::min(100.0, 1.0 + static_cast<double>(with_prior.size()));
    for (size_t i = 0; i < observations.size(); ++i)
      m.sigmas.push_back(std::clamp(sigmas[i], min_sigma, range));
    m.mus.push_back(prior_mu);
    m.sigmas.push_back(range);
    return m;
  }

  double lower() const { return low - step / 2; }
  double upper() const { return high + step / 2; }

  double sample(Generator& rng) const {
    double u = rng.next_double(), acc = 0;
    size_t k = 0;
    for (; k + 1 < weights.size(); ++k)
      if ((acc += weights[k]) > u) break;
    double x = mus[k];
    for (int tries = 0; tries < 1000; ++tries) {  // truncated normal by rejection
      const double candidate = mus[k] + sigmas[k] * rng.next_normal();
      if (candidate >= lower() && candidate <= upper()) {
        x = candidate;
        break;
      }
    }
    if (step > 0) x = std::clamp(low + std::nearbyint((x - low) / step) * step, low, high);
    return x;
  }

  double log_pdf(double x) const {
    std::vector<double> terms;
    for (size_t k = 0; k < mus.size(); ++k) {
      const double mass =
          normal_cdf((upper() - mus[k]) / sigmas[k]) - normal_cdf((lower() - mus[k]) / sigmas[k]);
      double p;
      if (step > 0)
        p = normal_cdf((x + step / 2 - mus[k]) / sigmas[k]) -
            normal_cdf((x - step / 2 - mus[k]) / sigmas[k]);
      else {
        const double z = (x - mus[k]) / sigmas[k];
        p = std::exp(-0.5 * z * z) / (sigmas[k] * std::sqrt(2 * M_PI));
      }
      terms.push_back(std::log(weights[k]) + std::log(std::max(p, 1e-300)) -
                      std::log(std::max(mass, 1e-300)));
    }
    return log_sum_exp(terms);
  }
};

// _calculate_categorical_distributions: each observation's kernel puts its weight on its own
// category plus prior_weight / (n + 1) on every category; the prior kernel is uniform.
struct CategoricalMixture {
  std::vector<std::vector<double>> kernels;
  std::vector<double> weights;

  static CategoricalMixture of(const std::vector<size_t>& observed, size_t choices) {
    CategoricalMixture m;
    const double smoothing = kPriorWeight / static_cast<double>(observed.size() + 1);
    for (size_t c : observed) {
      std::vector<double> p(choices, smoothing);
      p[c] += 1;
      m.kernels.push_back(p);
    }
    m.kernels.emplace_back(choices, smoothing);
    for (auto& p : m.kernels) {
      double sum = 0;
      for (double v : p) sum += v;
      for (double& v : p) v /= sum;
    }
    m.weights = kernel_weights(observed.size());
    return m;
  }

  double probability(size_t c) const {
    double p = 0;
    for (size_t k = 0; k < kernels.size(); ++k) p += weights[k] * kernels[k][c];
    return p;
  }

  size_t sample(Generator& rng) const {
    const double u = rng.next_double();
    double acc = 0;
    for (size_t c = 0; c + 1 < kernels.front().size(); ++c)
      if ((acc += probability(c)) > u) return c;
    return kernels.front().size() - 1;
  }
};

size_t index_of(const Domain& d, const nlohmann::json& value) {
  for (size_t i = 0; i < d.values.size(); ++i)
    if (d.values[i] == value) return i;
  return 0;
}

}  // namespace

nlohmann::json tpe_suggest(const Domain& domain, const std::vector<nlohmann::json>& good,
                           const std::vector<nlohmann::json>& bad, Generator& rng, int candidates) {
  if (domain.kind == DomainKind::choice) {
    std::vector<size_t> good_index, bad_index;
    for (const auto& v : good) good_index.push_back(index_of(domain, v));
    for (const auto& v : bad) bad_index.push_back(index_of(domain, v));
    const auto l = CategoricalMixture::of(good_index, domain.values.size());
    const auto g = CategoricalMixture::of(bad_index, domain.values.size());
    size_t best = 0;
    double best_score = -std::numeric_limits<double>::infinity();
    for (int i = 0; i < candidates; ++i) {
      const size_t c = l.sample(rng);
      const double score = std::log(l.probability(c)) - std::log(g.probability(c));
      if (score > best_score) best_score = score, best = c;
    }
    return domain.values[best];
  }
  if (!domain.is_numeric_range()) return domain.sample(rng);  // randn: no bounds to model
  const auto axis = NumericAxis::of(domain);
  std::vector<double> good_x, bad_x;
  for (const auto& v : good) good_x.push_back(axis.to_model(v.get<double>()));
  for (const auto& v : bad) bad_x.push_back(axis.to_model(v.get<double>()));
  const auto l = Mixture::of(good_x, axis), g = Mixture::of(bad_x, axis);
  double best = l.mus.back(), best_score = -std::numeric_limits<double>::infinity();
  for (int i = 0; i < candidates; ++i) {
    const double x = l.sample(rng);
    const double score = l.log_pdf(x) - g.log_pdf(x);
    if (score > best_score) best_score = score, best = x;
  }
  return domain.snap(axis.from_model(best));
}

}  // namespace scidl::tune
