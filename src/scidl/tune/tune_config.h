// A tune config (TOML): a base run config and a search over its keys.
//   base = "iris.toml"        the run config `scidl train` reads (relative to this file), or
//   [base] ...                the run config inline (its relative paths: this file's folder)
//   metric = "val_loss"; mode = "min" | "max"
//   searcher = "random" | "grid" | "tpe"; scheduler = "fifo" | "asha" | "median"
//   num_samples = 10          trials (random, tpe), or repetitions of the grid
//   concurrency = 0           trials at once (0: one per core); threads per trial = cores / it
//   time_budget_s = 0         0: none; else no trial starts after it and running ones stop
//   seed = 0
//   executor = "local" | "slurm"   trials as processes here, or as Slurm jobs
//   (tune/slurm_executor.h) [slurm] partition, time_limit, cpus_per_trial, sbatch_args, poll_s
//   (executor = "slurm") [asha] max_t, grace_period, reduction_factor      [median]
//   n_startup_trials, ... [space] "optimizer.lr" = { loguniform = [1e-4, 1e-1] } ...
//   (tune/search_space.h) [output] dir = "runs/NAME"
// Contract: everything is checked before any trial runs: the space (each key applied to the base
// config and the result parsed as a run config, so a key that does not exist is named with the
// nearest ones), the metric (one the run logs), the scheduler's options.
#pragma once
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "scidl/io/config_reader.h"
#include "scidl/tune/scheduler.h"
#include "scidl/tune/search_space.h"
#include "scidl/tune/searcher.h"
#include "scidl/tune/slurm_commands.h"

namespace scidl::tune {

struct TuneConfig {
  io::ConfigDocument base;         // the run config before the search's values
  std::filesystem::path base_dir;  // where its relative paths start
  std::string base_name;           // its file, or "<tune config> [base]"
  std::string metric = "val_loss", mode = "min";
  std::string searcher = "random", scheduler = "fifo";
  int64_t num_samples = 10;
  int concurrency = 0;
  double time_budget_s = 0;
  uint64_t seed = 0;
  AshaOptions asha;
  MedianOptions median;
  // Where trials run; not part of the study's identity: a study may be resumed on the other.
  std::string executor = "local";
  SlurmOptions slurm;
  SearchSpace space;
  std::filesystem::path output_dir;
  std::string source_name;               // the tune config file, for messages
  std::filesystem::path source_file;     // the same, absolute: a resumed study reads it again
  std::vector<std::string> overrides;    // --set's, recorded with it
  std::vector<std::string> run_metrics;  // what a trial logs per epoch (checked against metric)

  bool minimize() const { return mode == "min"; }
};

// `overrides`: "key=value" on the tune config; "base.key=value" on the base run config.
TuneConfig parse_tune_config(const std::filesystem::path& file,
                             const std::vector<std::string>& overrides = {});
// A tune config that is no file (a Python dict): its relative paths start at `folder`;
// `source_file` is empty, so its study can be resumed only by giving the config again.
TuneConfig parse_tune_config(io::ConfigDocument doc, const std::filesystem::path& folder,
                             const std::filesystem::path& source_file,
                             const std::vector<std::string>& overrides = {});

// The base run config with one trial's values (key path -> value) set.
io::ConfigDocument trial_config(const TuneConfig& config, const nlohmann::json& params);

// What identifies a study: a resumed study must be made by the same config.
nlohmann::json study_identity(const TuneConfig& config);

}  // namespace scidl::tune
