// What a run writes after its first epoch, checked before it writes anything: every name and
// path that goes into its files (config.json, config.toml, the model files' spec, the
// checkpoint, TensorBoard's hparams) must be UTF-8 text, and its callbacks' file names must
// format and must not be the run's own files. A failure names the offending name, where it came
// from, and what to do, while the run folder is still as it was.
#pragma once
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "scidl/train/run_config.h"

namespace scidl::train {

// `saved_spec`: the model spec the run's model files will hold; `data` says in a message which
// data its column names come from.
void check_run_writes(const RunConfig& config, const nlohmann::json& saved_spec,
                      const std::string& data);

// Every path, relative to the run folder, that a run of `config` writes: the run's own files,
// its plots, and the files of its callbacks that have fixed names.
std::vector<std::string> run_outputs(const RunConfig& config);

}  // namespace scidl::train
