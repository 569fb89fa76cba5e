// Callbacks see the fit loop's events (Keras's names) and may stop it (Trainer::stop_training).
// Epoch logs hold the epoch's values: "loss", "mae", ..., "val_loss", "val_mae", ... when there is
// validation data, and "lr", "time_s". Batch logs hold "loss" and each metric as running values
// over the epoch so far (as Keras reports them) and "batch_loss", the loss of that batch alone.
// Contract: a callback with state that must survive a resume (best value, wait counter, saved
// weights) names it with state_key() and round-trips it through state()/load_state(); the run's
// checkpoint stores it and restores it before on_train_begin.
#pragma once
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "scidl/tensor/tensor.h"

namespace scidl::train {

using Logs = std::map<std::string, double>;
class Trainer;

// What a callback keeps across a resume: plain values and tensors (e.g. the best weights).
struct CallbackState {
  nlohmann::json values = nlohmann::json::object();
  std::map<std::string, Tensor> tensors;
};

class Callback {
 public:
  virtual ~Callback() = default;
  virtual void on_train_begin(Trainer&) {}
  virtual void on_epoch_begin(Trainer&, int /*epoch*/) {}
  virtual void on_batch_end(Trainer&, int64_t /*global step*/, const Logs& /*batch logs*/) {}
  virtual void on_epoch_end(Trainer&, int /*epoch*/, const Logs&) {}
  virtual void on_train_end(Trainer&, const Logs&) {}
  // The loss of `batch` (0-based, in `epoch`) is not finite and no weight has changed yet.
  // Return true to end training cleanly here; if no callback does, fit throws
  // NonFiniteLossError.
  virtual bool on_non_finite_loss(Trainer&, int /*epoch*/, int64_t /*batch*/, double /*loss*/) {
    return false;
  }

  // Resumable state: a unique key ("" = nothing to keep), the state, and its restoration.
  virtual std::string state_key() const { return ""; }
  virtual CallbackState state() const { return {}; }
  virtual void load_state(const CallbackState&) {}
};

}  // namespace scidl::train
