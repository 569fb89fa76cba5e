// EarlyStopping, option for option as Keras 3 defines it (keras.callbacks.EarlyStopping):
// monitor ("val_loss"), min_delta (0, its absolute value is used), patience (0), verbose (0),
// mode ("auto"), baseline (none), restore_best_weights (false), start_from_epoch (0).
// Contract, as in Keras: an epoch improves when it beats the best so far by more than min_delta;
// the wait counter resets only when the epoch also beats the baseline; training stops at the end
// of an epoch > 0 once wait >= patience. Epochs before start_from_epoch are ignored. With
// restore_best_weights the weights of the best epoch (or of the first monitored epoch when none
// improved, e.g. none beat the baseline) are restored when training ends, stopped or not.
// One difference, on purpose: a monitor that is not logged is an error at the first epoch (Keras
// only warns and never stops), naming the logged values.
#pragma once
#include <functional>
#include <optional>

#include "scidl/train/callbacks/monitor.h"

namespace scidl::train {

struct EarlyStoppingOptions {
  std::string monitor = "val_loss";
  double min_delta = 0;
  int patience = 0;
  int verbose = 0;
  std::string mode = "auto";
  std::optional<double> baseline{};
  bool restore_best_weights = false;
  int start_from_epoch = 0;
};

class EarlyStopping : public Callback {
 public:
  explicit EarlyStopping(EarlyStoppingOptions options = {});
  void on_train_begin(Trainer&) override;
  void on_epoch_end(Trainer&, int epoch, const Logs&) override;
  void on_train_end(Trainer&, const Logs&) override;

  // The decision itself, for a model-free test: returns true when training should stop after
  // this epoch. `weights` is called to snapshot the current weights when they become the best.
  bool observe(int epoch, const Logs& logs,
               const std::function<std::map<std::string, Tensor>()>& weights = {});

  int stopped_epoch() const { return stopped_epoch_; }  // 0-based; 0 = did not stop
  int best_epoch() const { return best_epoch_; }
  double best() const { return best_; }
  int wait() const { return wait_; }
  bool has_best_weights() const { return !best_weights_.empty(); }
  const EarlyStoppingOptions& options() const { return options_; }

  // Unique among a run's callbacks; defaults to early_stopping.
  void set_state_key(std::string key) { state_key_ = std::move(key); }
  std::string state_key() const override {
    return state_key_.empty() ? "early_stopping" : state_key_;
  }
  CallbackState state() const override;
  void load_state(const CallbackState&) override;

 private:
  EarlyStoppingOptions options_;
  Monitor monitor_;
  int wait_ = 0, stopped_epoch_ = 0, best_epoch_ = 0;
  double best_;
  std::map<std::string, Tensor> best_weights_;
  bool restored_ = false;  // state came from a checkpoint: on_train_begin must not reset it
  std::string state_key_;
};

}  // namespace scidl::train
