#include "scidl/train/callbacks/lr_schedule_callback.h"

#include <fmt/format.h>

#include "scidl/train/callbacks/state_codec.h"
#include "scidl/train/trainer.h"

namespace scidl::train {

LrScheduleCallback::LrScheduleCallback(std::unique_ptr<optim::LrSchedule> schedule,
                                       std::string monitor)
    : schedule_(std::move(schedule)), monitor_(std::move(monitor)) {}

void LrScheduleCallback::on_epoch_end(Trainer&, int epoch, const Logs& logs) {
  double metric = 0;
  if (schedule_->needs_metric()) {
    auto it = logs.find(monitor_);
    if (it == logs.end()) {
      std::vector<std::string> names;
      for (const auto& [k, v] : logs) names.push_back(k);
      throw std::invalid_argument(
          fmt::format("lr_schedule ({}): monitor '{}' is not logged (epoch {} logged: {}); set "
                      "lr_schedule.monitor to one of those",
                      schedule_->name(), monitor_, epoch + 1, fmt::join(names, ", ")));
    }
    metric = it->second;
  }
  schedule_->step(epoch + 1, metric);
}

CallbackState LrScheduleCallback::state() const {
  CallbackState s;
  for (const auto& [k, v] : schedule_->state()) s.values[k] = encode_double(v);
  return s;
}

void LrScheduleCallback::load_state(const CallbackState& s) {
  std::map<std::string, double> values;
  for (const auto& [k, v] : s.values.items()) values[k] = decode_double(v);
  schedule_->load_state(values);
}

}  // namespace scidl::train
