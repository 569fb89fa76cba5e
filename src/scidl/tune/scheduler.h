// Trial schedulers: after each epoch of a trial, continue or stop it.
//   fifo    never stops a trial early (Ray Tune's FIFOScheduler)
//   asha    Ray Tune's ASHAScheduler (AsyncHyperBandScheduler) with its defaults: max_t 100,
//           grace_period 1, reduction_factor 4, one bracket. Rungs at grace·rf^k up to max_t; the
//           first time a trial reaches a rung its value is compared with the (1 − 1/rf)
//           percentile (numpy's linear interpolation, NaNs ignored) of the values recorded at
//           that rung so far: strictly worse stops it; its value is recorded either way. The
//           first trial at a rung always continues. A trial at max_t epochs stops.
//   median  Optuna's MedianPruner (n_startup_trials 5, n_warmup_steps 0, interval_steps 1,
//           n_min_trials 1): once 5 trials have completed, a trial whose best value so far is
//           worse than the median of the completed trials' values at the same epoch stops.
// Contract: decisions depend only on the sequence of calls, so a study resumed by replaying its
// recorded results in order (replay = true) comes back to the same state, deciding nothing.
#pragma once
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace scidl::tune {

struct AshaOptions {
  int max_t = 100, grace_period = 1, reduction_factor = 4;
};

struct MedianOptions {
  int n_startup_trials = 5, n_warmup_steps = 0, interval_steps = 1, n_min_trials = 1;
};

struct Decision {
  bool stop = false;
  std::string reason;  // "asha rung 4", "median at epoch 3", "max_t"; "" to continue
};

class Scheduler {
 public:
  virtual ~Scheduler() = default;
  // `value` is the metric as reported; `minimize` says which way is better.
  virtual Decision on_result(int64_t trial, int epoch, double value) = 0;
  // The trial ran all its epochs (not stopped by the scheduler, not failed).
  virtual void on_complete(int64_t trial) {}
  virtual std::string name() const = 0;
};

// `kind`: "fifo", "asha" or "median". The options of the others are ignored.
std::unique_ptr<Scheduler> make_scheduler(const std::string& kind, bool minimize,
                                          const AshaOptions& asha, const MedianOptions& median);

// numpy.nanpercentile with linear interpolation: NaN when no value is finite.
double nan_percentile(std::vector<double> values, double percent);
// ASHA's rungs, highest first: grace·rf^k for k = rungs−1 .. 0, rungs = ⌊log(max_t/grace)/log
// rf⌋+1.
std::vector<int> asha_milestones(const AshaOptions& options);

}  // namespace scidl::tune
