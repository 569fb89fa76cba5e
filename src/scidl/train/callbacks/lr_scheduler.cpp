#include "scidl/train/callbacks/lr_scheduler.h"

#include <fmt/format.h>

#include <cmath>
#include <stdexcept>

#include "scidl/train/trainer.h"

namespace scidl::train {

void LearningRateScheduler::on_epoch_begin(Trainer& t, int epoch) {
  double lr = schedule_(epoch, t.optimizer().lr());
  if (!std::isfinite(lr) || lr < 0)
    throw std::invalid_argument(
        fmt::format("learning-rate schedule gave {} for epoch {}; it must be a finite number >= 0",
                    lr, epoch + 1));
  t.optimizer().set_lr(lr);
  if (verbose_ > 0)
    fmt::print("Epoch {}: LearningRateScheduler setting learning rate to {}.\n", epoch + 1, lr);
}

}  // namespace scidl::train
