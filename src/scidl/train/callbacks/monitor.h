// A monitored quantity with Keras's mode rules, shared by EarlyStopping and ModelCheckpoint:
// mode "min" / "max", or "auto", which takes the direction from the name (loss and errors: min;
// accuracy, top-k accuracy, r2: max) and refuses names whose direction it cannot know.
// Also checks, at the first epoch, that the monitored name is logged at all.
#pragma once
#include <limits>
#include <string>

#include "scidl/train/callback.h"

namespace scidl::train {

class Monitor {
 public:
  // Throws std::invalid_argument when mode is not auto/min/max, or auto cannot decide.
  Monitor(std::string name, std::string mode, std::string owner);
  const std::string& name() const { return name_; }
  bool maximise() const { return maximise_; }
  double worst() const {
    return maximise_ ? -std::numeric_limits<double>::infinity()
                     : std::numeric_limits<double>::infinity();
  }
  // Keras's _is_improvement: value beats reference by more than min_delta (>= 0).
  bool improves(double value, double reference, double min_delta = 0) const {
    return maximise_ ? value - min_delta > reference : value + min_delta < reference;
  }
  // The monitored value; throws std::invalid_argument naming the logged values when absent.
  double value_in(const Logs& logs, int epoch) const;

 private:
  std::string name_, owner_;
  bool maximise_ = false;
};

}  // namespace scidl::train
