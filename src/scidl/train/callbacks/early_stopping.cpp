#include "scidl/train/callbacks/early_stopping.h"

#include <fmt/format.h>

#include <cmath>

#include "scidl/train/callbacks/state_codec.h"
#include "scidl/train/trainer.h"

namespace scidl::train {

EarlyStopping::EarlyStopping(EarlyStoppingOptions o)
    : options_(std::move(o)), monitor_(options_.monitor, options_.mode, "early_stopping") {
  options_.min_delta = std::abs(options_.min_delta);
  if (options_.patience < 0)
    throw std::invalid_argument(
        fmt::format("early_stopping: patience must be >= 0, got {}", options_.patience));
  if (options_.start_from_epoch < 0)
    throw std::invalid_argument(fmt::format("early_stopping: start_from_epoch must be >= 0, got {}",
                                            options_.start_from_epoch));
  best_ = monitor_.worst();
}

void EarlyStopping::on_train_begin(Trainer&) {
  if (restored_) return;  // a resumed run keeps its counters
  wait_ = stopped_epoch_ = best_epoch_ = 0;
  best_ = monitor_.worst();
  best_weights_.clear();
}

bool EarlyStopping::observe(int epoch, const Logs& logs,
                            const std::function<std::map<std::string, Tensor>()>& weights) {
  double current = monitor_.value_in(logs, epoch);
  if (epoch < options_.start_from_epoch) return false;
  auto snapshot = [&] {
    best_weights_.clear();
    if (weights)
      for (const auto& [k, t] : weights()) best_weights_[k] = t.clone();
  };
  if (options_.restore_best_weights && best_weights_.empty()) {
    snapshot();  // until something improves, the first monitored epoch counts as best
    best_epoch_ = epoch;
  }
  ++wait_;
  if (monitor_.improves(current, best_, options_.min_delta)) {
    best_ = current;
    best_epoch_ = epoch;
    if (options_.restore_best_weights) snapshot();
    if (!options_.baseline || monitor_.improves(current, *options_.baseline, options_.min_delta))
      wait_ = 0;
    return false;
  }
  if (wait_ >= options_.patience && epoch > 0) {
    stopped_epoch_ = epoch;
    return true;
  }
  return false;
}

void EarlyStopping::on_epoch_end(Trainer& t, int epoch, const Logs& logs) {
  if (observe(epoch, logs, [&t] { return t.model().state_dict(); })) t.stop_training = true;
}

void EarlyStopping::on_train_end(Trainer& t, const Logs&) {
  if (stopped_epoch_ > 0 && options_.verbose > 0)
    fmt::print("Epoch {}: early stopping\n", stopped_epoch_ + 1);
  if (options_.restore_best_weights && !best_weights_.empty()) {
    if (options_.verbose > 0)
      fmt::print("Restoring model weights from the end of the best epoch: {}.\n", best_epoch_ + 1);
    t.model().load_state_dict(best_weights_);
  }
}

CallbackState EarlyStopping::state() const {
  CallbackState s;
  s.values = {{"wait", wait_},
              {"stopped_epoch", stopped_epoch_},
              {"best_epoch", best_epoch_},
              {"best", encode_double(best_)}};
  s.tensors = best_weights_;
  return s;
}

void EarlyStopping::load_state(const CallbackState& s) {
  wait_ = s.values.at("wait").get<int>();
  stopped_epoch_ = s.values.at("stopped_epoch").get<int>();
  best_epoch_ = s.values.at("best_epoch").get<int>();
  best_ = decode_double(s.values.at("best"));
  best_weights_.clear();
  for (const auto& [k, t] : s.tensors) best_weights_[k] = t.clone();
  restored_ = true;
}

}  // namespace scidl::train
