// Searchers: the parameters of trial i.
//   random  Ray Tune's BasicVariantGenerator: every grid_search combination num_samples times
//           (trial i is grid point i mod G of repetition i / G), the other axes drawn at random
//   grid    the same, with every choice axis enumerated as a grid axis too; other domains are
//           refused (a grid has no random axes)
//   tpe     Optuna's TPESampler with its defaults (univariate; n_startup_trials 10 drawn at
//           random, 24 candidates drawn from the good trials' Parzen estimator, the one with the
//           largest l(x)/g(x) kept; γ(n) = min(⌈0.1 n⌉, 25) good trials; prior weight 1, magic
//           clip, down-weighted old trials beyond 25)
// Contract: trial i's draws come from a generator seeded by (seed, i) alone, so a study gives the
// same parameters whatever order trials finish in; tpe also depends on the trials finished when
// it is asked, which the study records, so a resumed study asks with the same history.
#pragma once
#include <nlohmann/json.hpp>

#include <memory>
#include <string>
#include <vector>

#include "scidl/tune/search_space.h"

namespace scidl::tune {

// A finished trial as the searcher learns from it.
struct Observation {
  nlohmann::json params;  // key path -> value
  double value = 0;       // its metric (the final, or at its last epoch when stopped)
  bool complete = true;   // false: stopped early by the scheduler
  int epochs = 0;
};

class Searcher {
 public:
  virtual ~Searcher() = default;
  virtual nlohmann::json suggest(int64_t trial, const std::vector<Observation>& finished) = 0;
  // The number of trials the study runs: num_samples × grid points.
  int64_t trials() const { return trials_; }

 protected:
  int64_t trials_ = 0;
};

// `kind`: "random", "grid" or "tpe"; throws std::invalid_argument naming what does not fit.
std::unique_ptr<Searcher> make_searcher(const std::string& kind, const SearchSpace& space,
                                        int64_t num_samples, uint64_t seed, bool minimize);

// The generator of trial `trial`'s draws in a study seeded `seed`.
Generator trial_generator(uint64_t seed, int64_t trial);

// Optuna's TPE proposal for one axis: `good` and `bad` are the values of the good and the other
// trials; draws `candidates` points from the good estimator with `rng`, returns the best by
// l(x)/g(x). Exposed for the tests.
nlohmann::json tpe_suggest(const Domain& domain, const std::vector<nlohmann::json>& good,
                           const std::vector<nlohmann::json>& bad, Generator& rng,
                           int candidates = 24);
int tpe_gamma(int finished);

}  // namespace scidl::tune
