// Runs an optim::LrSchedule (StepLR, ExponentialLR, CosineAnnealingLR, ReduceLROnPlateau) from
// the fit loop: at each epoch's end, schedule.step(epochs done, the monitored value), so the next
// epoch trains at the new rate (the epoch's logs show the rate it used, as "lr"). Its counters
// (ReduceLROnPlateau's best and wait) are resumable callback state.
#pragma once
#include <memory>

#include "scidl/optim/lr_schedule.h"
#include "scidl/train/callbacks/monitor.h"

namespace scidl::train {

class LrScheduleCallback : public Callback {
 public:
  // `monitor` is read only by schedules that need a metric (ReduceLROnPlateau).
  LrScheduleCallback(std::unique_ptr<optim::LrSchedule> schedule, std::string monitor = "val_loss");
  void on_epoch_end(Trainer&, int epoch, const Logs&) override;
  optim::LrSchedule& schedule() { return *schedule_; }

  std::string state_key() const override { return "lr_schedule"; }
  CallbackState state() const override;
  void load_state(const CallbackState&) override;

 private:
  std::unique_ptr<optim::LrSchedule> schedule_;
  std::string monitor_;
};

}  // namespace scidl::train
