// TerminateOnNaN: when the loss of a batch is NaN or infinite, training ends cleanly (the run
// still writes its models, logs and plots) instead of failing, with a message naming the epoch
// and batch. Without it the fit loop throws NonFiniteLossError, the default for scidl runs: a
// diverged run is a failure a script must notice. Either way the bad step never reaches the
// weights (Keras stops after it has).
#pragma once
#include <string>

#include "scidl/train/callback.h"

namespace scidl::train {

class TerminateOnNaN : public Callback {
 public:
  explicit TerminateOnNaN(bool verbose = true) : verbose_(verbose) {}
  bool on_non_finite_loss(Trainer&, int epoch, int64_t batch, double loss) override;
  const std::string& message() const { return message_; }  // "" until it fired

 private:
  bool verbose_;
  std::string message_;
};

}  // namespace scidl::train
