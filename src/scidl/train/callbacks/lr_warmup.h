// Goyal et al.'s gradual warm-up ("Accurate, Large Minibatch SGD", 2017), for data-parallel runs
// whose rate is scaled with the ranks (training.lr_scaling = "linear"): the rate rises from
// `from` to `to` by equal steps each batch over the first `steps` steps, the step k training at
// from + (to - from) * k / steps, and is left alone after (a schedule takes over from `to`).
// It depends only on the trainer's global step, so a resumed run warms up as it would have.
#pragma once
#include <cstdint>

#include "scidl/train/callback.h"

namespace scidl::train {

class LrWarmup : public Callback {
 public:
  LrWarmup(double from, double to, int64_t steps) : from_(from), to_(to), steps_(steps) {}
  void on_train_begin(Trainer& t) override { apply(t); }
  void on_epoch_begin(Trainer& t, int) override { apply(t); }  // over an epoch-end schedule
  void on_batch_end(Trainer& t, int64_t, const Logs&) override { apply(t); }
  double rate_at(int64_t step) const;  // the rate step `step` (0-based) trains at

 private:
  void apply(Trainer& t);
  double from_, to_;
  int64_t steps_;
};

}  // namespace scidl::train
