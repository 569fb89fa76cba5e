// Callbacks in a run config: an array of tables, one per callback, in the order they run:
//   [[callbacks]]
//   type = "early_stopping"      # or model_checkpoint, tensorboard, csv_logger, terminate_on_nan
//   monitor = "val_loss"
//   patience = 5
// An array (not [callbacks.early_stopping] tables) because order matters and one type may appear
// twice (two ModelCheckpoints). Options use Keras's names; see examples/training/*.toml.
// Contract: parse_callbacks checks every key, type and value now, before any training, and each
// error names the key path ("callbacks[1].patience"), what was expected and the valid choices;
// monitors must name a value the run will log.
#pragma once
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "scidl/io/config_reader.h"
#include "scidl/train/callbacks/early_stopping.h"
#include "scidl/train/callbacks/model_checkpoint.h"
#include "scidl/train/callbacks/tensorboard.h"

namespace scidl::train {

struct CsvLoggerSpec {
  std::string filename = "log.csv";
  std::string separator = ",";
  bool append = false;
};

struct CallbackSpec {
  std::string type;
  std::string where;  // "callbacks[1]", for messages
  EarlyStoppingOptions early_stopping;
  ModelCheckpointOptions model_checkpoint;
  TensorBoardOptions tensorboard;
  CsvLoggerSpec csv_logger;
};

const std::vector<std::string>& callback_types();

// `logged` lists every value the run logs per epoch (loss, metrics, val_..., lr).
std::vector<CallbackSpec> parse_callbacks(io::ConfigDocument& doc,
                                          const std::vector<std::string>& logged);

// The callbacks of `specs`, with relative paths under `run_dir`.
std::vector<std::unique_ptr<Callback>> make_callbacks(const std::vector<CallbackSpec>& specs,
                                                      const std::filesystem::path& run_dir,
                                                      const nlohmann::json& model_spec,
                                                      const io::HParamMap& hparams,
                                                      bool has_validation);

}  // namespace scidl::train
