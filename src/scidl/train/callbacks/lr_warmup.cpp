#include "scidl/train/callbacks/lr_warmup.h"

#include <algorithm>

#include "scidl/train/trainer.h"

namespace scidl::train {

double LrWarmup::rate_at(int64_t step) const {
  if (steps_ <= 0 || step >= steps_) return to_;
  return from_ + (to_ - from_) * double(step) / double(steps_);
}

void LrWarmup::apply(Trainer& t) {
  if (t.global_step() <= steps_) t.optimizer().set_lr(rate_at(t.global_step()));
}

}  // namespace scidl::train
