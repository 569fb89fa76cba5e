// ModelCheckpoint as in Keras: after every `every_n_epochs`-th epoch (Keras's `period`) writes
// the model file, or with save_best_only only when `monitor` improved on the best so far (mode
// auto/min/max; initial_value_threshold sets the value to beat first). `filepath` may hold
// Python-style fields, formatted like Keras does: "{epoch:03d}" (1-based) and any logged value,
// "{val_loss:.4f}". Files are written atomically (temporary file, fsync, rename): a crash or a
// full disk mid-write leaves the previous file intact.
#pragma once
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>

#include "scidl/train/callbacks/monitor.h"

namespace scidl::train {

struct ModelCheckpointOptions {
  std::string filepath = "best.scidl";
  std::string monitor = "val_loss";
  std::string mode = "auto";
  bool save_best_only = false;
  int every_n_epochs = 1;
  int verbose = 0;
  std::optional<double> initial_value_threshold{};
};

class ModelCheckpoint : public Callback {
 public:
  // `model_spec` is the architecture written beside the weights (see nn/model_io.h).
  ModelCheckpoint(ModelCheckpointOptions options, nlohmann::json model_spec);
  void on_epoch_end(Trainer&, int epoch, const Logs&) override;
  // The file name for this epoch's logs; throws std::invalid_argument naming a bad field.
  std::filesystem::path path_for(int epoch, const Logs& logs) const;
  double best() const { return best_; }

  // Unique among a run's callbacks; defaults to model_checkpoint: + options_.filepath.
  void set_state_key(std::string key) { state_key_ = std::move(key); }
  std::string state_key() const override {
    return state_key_.empty() ? "model_checkpoint:" + options_.filepath : state_key_;
  }
  CallbackState state() const override;
  void load_state(const CallbackState&) override;

 private:
  ModelCheckpointOptions options_;
  nlohmann::json spec_;
  Monitor monitor_;
  double best_;
  int epochs_since_last_save_ = 0;
  std::string state_key_;
};

}  // namespace scidl::train
