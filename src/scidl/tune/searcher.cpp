#include "scidl/tune/searcher.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace scidl::tune {

Generator trial_generator(uint64_t seed, int64_t trial) {
  return Generator(seed * 0x9E3779B97F4A7C15ull + static_cast<uint64_t>(trial) + 1);
}

namespace {

class BasicVariants : public Searcher {
 public:
  BasicVariants(const SearchSpace& space, int64_t num_samples, uint64_t seed)
      : space_(space), seed_(seed) {
    trials_ = space_.grid_points() * num_samples;
  }

  nlohmann::json suggest(int64_t trial, const std::vector<Observation>&) override {
    auto rng = trial_generator(seed_, trial);
    auto params = space_.grid_point(trial % space_.grid_points());
    for (const auto& axis : space_.axes)
      if (!axis.domain.is_grid()) params[axis.key] = axis.domain.sample(rng);
    return params;
  }

 protected:
  SearchSpace space_;
  uint64_t seed_;
};

SearchSpace as_grid(SearchSpace space) {
  for (auto& axis : space.axes) {
    if (axis.domain.kind == DomainKind::choice) axis.domain.kind = DomainKind::grid_search;
    if (axis.domain.kind != DomainKind::grid_search && axis.domain.kind != DomainKind::constant)
      throw std::invalid_argument(fmt::format(
          "searcher \"grid\" enumerates every axis, but '{}' is {}: use grid_search or choice "
          "there, or searcher = \"random\"",
          axis.key, axis.domain.describe()));
  }
  return space;
}

// Optuna's TPESampler over each axis independently (multivariate = false, its default).
class Tpe : public Searcher {
 public:
  Tpe(const SearchSpace& space, int64_t num_samples, uint64_t seed, bool minimize)
      : space_(space), seed_(seed), minimize_(minimize) {
    for (const auto& axis : space.axes)
      if (axis.domain.is_grid())
        throw std::invalid_argument(fmt::format(
            "searcher \"tpe\" models each axis; '{}' is a grid_search: use choice there, or "
            "searcher = \"random\"",
            axis.key));
    trials_ = num_samples;
  }

  nlohmann::json suggest(int64_t trial, const std::vector<Observation>& finished) override {
    auto rng = trial_generator(seed_, trial);
    nlohmann::json params = nlohmann::json::object();
    constexpr size_t kStartupTrials = 10;
    if (finished.size() < kStartupTrials) {
      for (const auto& axis : space_.axes) params[axis.key] = axis.domain.sample(rng);
      return params;
    }
    const auto [good, bad] = split(finished);
    for (const auto& axis : space_.axes) {
      if (axis.domain.kind == DomainKind::constant) {
        params[axis.key] = axis.domain.values.front();
        continue;
      }
      std::vector<nlohmann::json> good_values, bad_values;
      for (const auto* o : good)
        if (o->params.contains(axis.key)) good_values.push_back(o->params[axis.key]);
      for (const auto* o : bad)
        if (o->params.contains(axis.key)) bad_values.push_back(o->params[axis.key]);
      params[axis.key] = tpe_suggest(axis.domain, good_values, bad_values, rng);
    }
    return params;
  }

 private:
  // optuna/samplers/_tpe/sampler.py _split_trials: completed trials ranked by value, then the
  // stopped ones by how far they got (further is better), then value; the first γ(n) are good.
  std::pair<std::vector<const Observation*>, std::vector<const Observation*>> split(
      const std::vector<Observation>& finished) const {
    std::vector<const Observation*> ranked;
    for (const auto& o : finished) ranked.push_back(&o);
    const auto better = [&](double a, double b) {
      if (std::isnan(a)) return false;
      if (std::isnan(b)) return true;
      return minimize_ ? a < b : a > b;
    };
    std::stable_sort(ranked.begin(), ranked.end(), [&](const Observation* a, const Observation* b) {
      if (a->complete != b->complete) return a->complete;
      if (!a->complete && a->epochs != b->epochs) return a->epochs > b->epochs;
      return better(a->value, b->value);
    });
    const auto n_good = static_cast<size_t>(tpe_gamma(static_cast<int>(ranked.size())));
    return {{ranked.begin(), ranked.begin() + static_cast<std::ptrdiff_t>(n_good)},
            {ranked.begin() + static_cast<std::ptrdiff_t>(n_good), ranked.end()}};
  }

  SearchSpace space_;
  uint64_t seed_;
  bool minimize_;
};

}  // namespace

int tpe_gamma(int finished) { return std::min(static_cast<int>(std::ceil(0.1 * finished)), 25); }

std::unique_ptr<Searcher> make_searcher(const std::string& kind, const SearchSpace& space,
                                        int64_t num_samples, uint64_t seed, bool minimize) {
  if (kind == "random") return std::make_unique<BasicVariants>(space, num_samples, seed);
  if (kind == "grid") return std::make_unique<BasicVariants>(as_grid(space), num_samples, seed);
  if (kind == "tpe") return std::make_unique<Tpe>(space, num_samples, seed, minimize);
  throw std::invalid_argument("unknown searcher '" + kind + "': choose random, grid or tpe");
}

}  // namespace scidl::tune
