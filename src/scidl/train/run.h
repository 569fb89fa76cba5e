// Runs a whole training job from a RunConfig: data, split, model, optimizer, fit, and the run
// folder (best.scidl, last.scidl, history.csv, config.json). Used by `scidl train` and by the
// C++ API alike.
#pragma once
#include "scidl/train/run_config.h"
#include "scidl/train/trainer.h"

namespace scidl::train {

struct RunResult {
  History history;
  Logs final_validation;  // empty when there is no validation split
  std::filesystem::path best_model, last_model;
};

RunResult run_training(const RunConfig& config, bool verbose = true);

}  // namespace scidl::train
