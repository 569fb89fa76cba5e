// Runs a whole training job from a RunConfig: data, split, model, optimizer, callbacks, fit, and
// the run folder:
//   config.json       the resolved config (a resume compares against it)
//   config.toml       the same as a config `scidl train` reads (train/run_config_toml.h)
//   validation_split.json  the validation rows, or groups, of a validation_split (train/
//                     validation_split.h)
//   checkpoint.scidl  the resume point: at every epoch end, and every N steps when asked
//   best.scidl        the model with the best val_loss (loss without validation)
//   last.scidl        the model when training ended
//   history.csv       one row per epoch (Keras CSVLogger format)
//   plots/NAME.svg|png  loss and each metric per epoch, training and validation
//   confusion_matrix.csv  when metrics hold "confusion_matrix" (validation data, else training)
// One process at a time trains in a folder (train/run_lock.h). Everything the run writes later
// is checked before it writes anything (train/run_checks.h), and a run that replaces another
// keeps the old one until its own first model is written (train/run_folder.h).
// Used by `scidl train` (under mpirun or srun, as each rank of a data-parallel job: RunOptions::
// communicator) and by the C++ API alike.
#pragma once
#include <atomic>
#include <map>
#include <string>

#include "scidl/train/run_config.h"
#include "scidl/train/trainer.h"

namespace scidl::train {

struct RunResult {
  History history;
  Logs final_validation;  // empty when there is no validation split
  std::filesystem::path best_model, last_model;
  std::string stopped_because;  // "" when all epochs ran
  // A stop request ended the run after a checkpoint: --resume continues it. When it came before
  // the first model of an --overwrite, the replaced run is back instead and nothing was kept.
  bool interrupted = false;
  bool previous_run_restored = false;
};

struct RunOptions {
  bool verbose = true;
  // Continue the run in config.output_dir from its checkpoint. Refused when that folder is not a
  // run or was made from a different config (the message lists what differs); training.epochs
  // alone may differ, to no fewer than the epochs done: more extend a finished run.
  bool resume = false;
  // Start afresh in a folder that already holds a run, replacing that run once this one has
  // written its first model; without it such a folder is refused, so that no earlier run is
  // overwritten or mixed with this one.
  bool overwrite = false;
  // Set (e.g. by a SIGINT handler) to stop after the batch in progress, with a checkpoint.
  const std::atomic<bool>* stop_requested = nullptr;
  // Further callbacks (not owned), run after the config's and before the run's own files and
  // the checkpoint, which therefore record what they decide (a tuner's stop).
  std::vector<Callback*> extra_callbacks = {};
  // Names this run to another process its run folder's lock refuses.
  std::string program = "scidl train";
  // One rank of a data-parallel job (train/data_parallel.h; not owned; null: train alone).
  // Every rank loads the data and trains its shard; rank 0 alone takes the run folder and writes
  // in it (config, logs, TensorBoard, checkpoints, models) and prints. The other ranks keep only
  // the callbacks that decide (early stopping, terminate_on_nan, the learning-rate schedule),
  // which see the job's logs, and read the checkpoint to resume.
  dist::Communicator* communicator = nullptr;
};

RunResult run_training(const RunConfig& config, bool verbose = true);
RunResult run_training(const RunConfig& config, const RunOptions& options);

// The differences between two configs as "training.epochs: 10 in the run, 20 now" lines.
std::vector<std::string> config_differences(const nlohmann::json& run, const nlohmann::json& now);
// A config's leaves as dotted key paths ("training.epochs") to their JSON text, under `prefix`.
void flatten_config(const nlohmann::json& j, const std::string& prefix,
                    std::map<std::string, std::string>& out);

}  // namespace scidl::train
