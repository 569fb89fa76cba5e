// A study: trials of a tune config run by an executor (tune/trial_executor.h: processes here, or
// Slurm jobs), several at once, each judged after every epoch by the scheduler, everything
// recorded in DIR/study.db before it is acted on. The study folder:
//   study.db                 the record (tune/study_db.h)
//   trials/trial_0007.toml   trial 7's run config; trials/trial_0007/ its run folder (a normal
//                            `scidl train` run folder); logs/trial_0007.log its output;
//                            jobs/trial_0007/ its Slurm job's script and report files
//   leaderboard.csv|md, best_model.scidl, best_config.toml, curves.svg|png, tensorboard/ (the
//   HParams view of every trial): tune/study_outputs.h
// Resuming (`scidl tune --resume DIR`) refuses a folder made by another config (listing the
// differences), replays the record into the scheduler, continues interrupted trials from their
// checkpoints and never runs a finished one again: for the same seed and one trial at a time the
// leaderboard is the one an uninterrupted study makes.
#pragma once
#include <atomic>
#include <filesystem>
#include <string>
#include <vector>

#include "scidl/tune/study_db.h"
#include "scidl/tune/study_display.h"
#include "scidl/tune/tune_config.h"

namespace scidl::tune {

struct StudyOptions {
  bool resume = false;
  bool verbose = true;
  std::filesystem::path executable;    // the scidl command the trials run; default: this program
  std::string program = "scidl tune";  // names the tuner to another process its lock refuses
  // Set by a SIGINT handler: running trials checkpoint and stop, the study stays resumable.
  const std::atomic<bool>* stop_requested = nullptr;
  // Where the study's lines go (tune/study_display.h); default: stdout, errors to stderr.
  StudyDisplay::Sink print;
  bool live_table = false;     // redraw the table of running trials in place (a terminal)
  int width = 0;               // the terminal's columns, for the live table (0: unknown)
  double status_every_s = 30;  // not live: print the table this often (0: never)
};

struct StudyResult {
  std::vector<TrialRow> trials;
  int64_t best_trial = -1;  // -1 when no trial reported the metric
  bool interrupted = false;
};

StudyResult run_study(const TuneConfig& config, const StudyOptions& options);

// The tune config file and --set overrides a study in `dir` was made with, from its record.
std::pair<std::filesystem::path, std::vector<std::string>> study_source(
    const std::filesystem::path& dir);

}  // namespace scidl::tune
