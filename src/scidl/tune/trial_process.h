// One trial as its own process: `scidl train CONFIG --out RUN (or --resume RUN) --config-dir D
// --report-fd 3 --quiet`, its output in LOG, OMP_NUM_THREADS and OPENBLAS_NUM_THREADS set to its
// share of the cores, so no process-wide state (thread pools, the allocator's cache, random
// streams) passes between trials. The tuner's end of the socket reads the trial's epoch reports
// (tune/trial_channel.h). The trial gets SIGINT if the tuner dies (PR_SET_PDEATHSIG): it writes
// a checkpoint and exits, so `scidl tune --resume` continues it.
#pragma once
#include <sys/types.h>

#include <filesystem>
#include <optional>
#include <string>

#include "scidl/tune/trial_executor.h"

namespace scidl::tune {

class TrialProcess {
 public:
  // `threads`: OMP_NUM_THREADS and OPENBLAS_NUM_THREADS of the trial.
  static TrialProcess start(const TrialLaunch& launch, int threads);
  TrialProcess(TrialProcess&& other) noexcept;
  TrialProcess& operator=(TrialProcess&& other) noexcept;
  TrialProcess(const TrialProcess&) = delete;
  ~TrialProcess();

  int fd() const { return fd_; }
  pid_t pid() const { return pid_; }
  // The exit status once the process has ended (a signal's death as 128 + signal), else nullopt.
  std::optional<int> poll_exit();
  int wait_exit();
  void interrupt();  // SIGINT: a checkpoint after the batch in progress, then exit 130

 private:
  TrialProcess(pid_t pid, int fd) : pid_(pid), fd_(fd) {}
  pid_t pid_ = -1;
  int fd_ = -1;
  std::optional<int> status_;
};

// The last `lines` lines of a text file (a failed trial's log), "" when unreadable.
std::string tail_of_file(const std::filesystem::path& file, int lines);

}  // namespace scidl::tune
