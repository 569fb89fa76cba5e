// Where a study's trials run: the one interface the study loop (tune/study.h) speaks to, with two
// implementations: local processes (tune/local_executor.h: `scidl train` children reporting over
// a socket) and Slurm jobs (tune/slurm_executor.h: one sbatch job per trial reporting through
// files). The study decides; the executor starts trials, hands their epoch reports over, carries
// the answers back, stops them when asked, and says how each one ended.
// Contract: a trial's reports come before its end; every report gets one answer; an ended trial
// is reported once and then forgotten.
#pragma once
#include <nlohmann/json.hpp>

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "scidl/tune/scheduler.h"

namespace scidl::tune {

struct TuneConfig;

// `scidl train CONFIG --out RUN (or --resume RUN) --config-dir D --quiet`, its output in LOG.
struct TrialLaunch {
  std::filesystem::path executable;  // the scidl command
  std::filesystem::path config, run_dir, config_dir, log;
  bool resume = false;
  std::string name;  // "trial_0007": names the trial's job and its files
};

struct TrialExit {
  int status = 0;  // the trial's exit status: 0 ran to its end, 130 stopped at a checkpoint
  // True when it ended because the study asked (interrupt(), or a stop the trial did not honour).
  bool on_request = false;
  std::string failure;  // how the executor saw it end, when that says more than the status
};

struct TrialEvent {
  enum class Kind { report, ended };
  Kind kind = Kind::report;
  int64_t trial = 0;
  int epoch = 0;        // report: 1-based
  nlohmann::json logs;  // report: name -> value (null for NaN)
  TrialExit exit;       // ended
};

class TrialExecutor {
 public:
  virtual ~TrialExecutor() = default;
  // "local processes, 2 threads each", "Slurm jobs (sbatch), partition debug": the study's
  // first line.
  virtual std::string describe() const = 0;
  virtual void start(int64_t trial, const TrialLaunch& launch) = 0;
  // Waits up to `wait` for reports and ends; returns what it found (maybe nothing).
  virtual std::vector<TrialEvent> poll(std::chrono::milliseconds wait) = 0;
  // The study's decision on a trial's report at `epoch`; a stop ends the trial at that epoch.
  virtual void answer(int64_t trial, int epoch, const Decision& decision) = 0;
  // Asks a trial to write a checkpoint and end (a resumed study continues it).
  virtual void interrupt(int64_t trial) = 0;
  // Where the trial stands when not yet running its epochs ("queued: Resources"); "" otherwise.
  virtual std::string waiting_reason(int64_t trial) const { return {}; }
};

// The executor the tune config names (`executor = "local" | "slurm"`), checked before any trial
// starts: a Slurm that is not there is refused here, saying how to start one.
// `concurrency`: trials at once, which the local executor shares the cores between.
std::unique_ptr<TrialExecutor> make_executor(const TuneConfig& config, int concurrency,
                                             const std::filesystem::path& study_dir);

}  // namespace scidl::tune
