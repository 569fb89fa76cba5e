// Callbacks see the fit loop's events (Keras's names) and may stop it. Logs hold the epoch's
// metrics: "loss", "mae", ..., and "val_loss", "val_mae", ... when there is validation data.
#pragma once
#include <cstdint>
#include <map>
#include <string>

namespace scidl::train {

using Logs = std::map<std::string, double>;
class Trainer;

class Callback {
 public:
  virtual ~Callback() = default;
  virtual void on_train_begin(Trainer&) {}
  virtual void on_epoch_begin(Trainer&, int /*epoch*/) {}
  virtual void on_batch_end(Trainer&, int64_t /*step*/, const Logs& /*batch logs*/) {}
  virtual void on_epoch_end(Trainer&, int /*epoch*/, const Logs&) {}
  virtual void on_train_end(Trainer&, const Logs&) {}
};

}  // namespace scidl::train
