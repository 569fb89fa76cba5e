#include "scidl/train/callbacks/terminate_on_nan.h"

#include <fmt/format.h>

#include "scidl/train/trainer.h"

namespace scidl::train {

bool TerminateOnNaN::on_non_finite_loss(Trainer&, int epoch, int64_t batch, double loss) {
  message_ = fmt::format(
      "terminate_on_nan: {}; training stopped cleanly before this step changed the weights",
      non_finite_loss_message(epoch, batch, loss));
  if (verbose_) fmt::print("{}\n", message_);
  return true;
}

}  // namespace scidl::train
