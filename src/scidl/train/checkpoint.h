// Resumable training checkpoints: one file (the checksummed scidl container, written atomically)
// that holds everything a run needs to continue bit for bit: model parameters and buffers,
// optimizer state, every random generator (data order at the current epoch's start, each
// Dropout's, the default one), epoch, step and batch within the epoch, the epoch's running sums,
// the history so far, and each callback's state (best value, wait counter, best weights).
// Contract: save never leaves a half-written file (a failed write keeps the previous checkpoint
// and says so); restore either restores everything or throws before touching the trainer,
// naming the file and what does not match.
#pragma once
#include <atomic>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <vector>

#include "scidl/train/trainer.h"

namespace scidl::train {

inline constexpr const char* kCheckpointKind = "scidl-training-checkpoint";

// Writes the checkpoint of `trainer` as it stands now, with `callbacks`' states and `run_meta`
// (the run's config, for the resume check) stored alongside.
void save_training_checkpoint(const std::filesystem::path& path, Trainer& trainer,
                              const std::vector<Callback*>& callbacks,
                              const nlohmann::json& run_meta);

struct CheckpointSummary {
  int epoch = 0;      // epoch in progress (0-based)
  int64_t batch = 0;  // batches done in it
  int64_t global_step = 0;
  bool stopped = false;
  nlohmann::json run_meta;  // as saved
};
// Reads only the description (cheap checks before building anything).
CheckpointSummary read_checkpoint_summary(const std::filesystem::path& path);

// Restores model, optimizer, generators, callbacks and the trainer's progress; the next
// trainer.fit(...) continues from there.
void restore_training_checkpoint(const std::filesystem::path& path, Trainer& trainer,
                                 const std::vector<Callback*>& callbacks);

// Writes a checkpoint every `every_n_steps` optimizer steps (0: only at epoch ends) and at the
// end of every epoch. Put it last among the callbacks so it records their updated states.
// Given a stop request (set by a Ctrl-C handler), it writes a checkpoint after the batch in
// progress when the request is seen and stops the trainer there; that checkpoint, not one of
// the stopped trainer, is the resume point, so the resumed run continues bit for bit. A
// pipeline stage stopped between the steps that gather the whole model writes none: its last
// checkpoint stays the resume point.
class CheckpointWriter : public Callback {
 public:
  CheckpointWriter(std::filesystem::path path, int64_t every_n_steps,
                   std::vector<Callback*> callbacks, nlohmann::json run_meta,
                   const std::atomic<bool>* stop_requested = nullptr);
  void on_batch_end(Trainer&, int64_t step, const Logs&) override;
  void on_epoch_end(Trainer&, int epoch, const Logs&) override;
  int64_t checkpoints_written() const { return written_; }
  // Whether a stop request ended training (after its checkpoint was written).
  bool interrupted() const { return interrupted_; }

 private:
  void save(Trainer& t);
  std::filesystem::path path_;
  int64_t every_n_steps_;
  std::vector<Callback*> callbacks_;
  nlohmann::json run_meta_;
  const std::atomic<bool>* stop_requested_;
  bool interrupted_ = false;
  int64_t written_ = 0;
  std::string last_saved_;  // "epoch 2, step 40", for the message when a write fails
};

}  // namespace scidl::train
