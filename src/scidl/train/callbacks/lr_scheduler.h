// LearningRateScheduler as in Keras: at the start of each epoch the optimizer's learning rate
// becomes schedule(epoch, current lr). Any schedule fits (StepLR, ExponentialLR, cosine
// annealing, a table), as a function; the value is logged as "lr" in each epoch's logs. A run
// resumed mid-epoch does not call it again for that epoch (the rate is in the optimizer state).
#pragma once
#include <functional>

#include "scidl/train/callback.h"

namespace scidl::train {

using LearningRateSchedule = std::function<double(int epoch, double lr)>;

class LearningRateScheduler : public Callback {
 public:
  explicit LearningRateScheduler(LearningRateSchedule schedule, int verbose = 0)
      : schedule_(std::move(schedule)), verbose_(verbose) {}
  void on_epoch_begin(Trainer&, int epoch) override;

 private:
  LearningRateSchedule schedule_;
  int verbose_;
};

}  // namespace scidl::train
