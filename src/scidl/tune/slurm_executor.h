// Trials as Slurm jobs: each trial one `sbatch` job (one task, [slurm] cpus_per_trial cores)
// running `scidl train ... --report-dir STUDY/jobs/trial_NNNN` under a small wrapper that records
// its exit status. The study's database stays with the tuner; the trial's reports and the
// tuner's answers pass through files in STUDY/jobs/trial_NNNN (tune/trial_files.h), so the study
// folder must be on a filesystem the tuner and the nodes share (as home and scratch are on a
// cluster). A trial the scheduler stops ends at that epoch by itself, as a local one does; one
// that has not ended kStopGrace later, or reports a later epoch, is scancel'ed. interrupt() is
// scancel: Slurm's SIGTERM makes the trial write a checkpoint, so a resumed study continues it.
// How a job ended comes from squeue (sacct once the controller has forgotten it): TIMEOUT,
// NODE_FAIL, OUT_OF_MEMORY, a cancel the study did not ask for, ... each a failed trial whose
// error names the state.
#pragma once
#include <chrono>
#include <map>

#include "scidl/tune/slurm_commands.h"
#include "scidl/tune/trial_executor.h"
#include "scidl/tune/trial_files.h"

namespace scidl::tune {

inline constexpr std::chrono::seconds kStopGrace{120};

class SlurmExecutor : public TrialExecutor {
 public:
  // Checks that Slurm answers (check_slurm_available); `jobs_dir` holds each trial's folder.
  SlurmExecutor(SlurmOptions options, std::filesystem::path jobs_dir);
  ~SlurmExecutor() override;
  std::string describe() const override;
  void start(int64_t trial, const TrialLaunch& launch) override;
  std::vector<TrialEvent> poll(std::chrono::milliseconds wait) override;
  void answer(int64_t trial, int epoch, const Decision& decision) override;
  void interrupt(int64_t trial) override;
  std::string waiting_reason(int64_t trial) const override;

 private:
  using Clock = std::chrono::steady_clock;
  struct Job {
    std::string id;
    TrialFileReader files;
    SlurmJobState state;
    Clock::time_point submitted;
    int last_epoch = 0;
    int stop_epoch = 0;  // the epoch the study stopped it at; 0: not stopped
    Clock::time_point stopped_at;
    bool cancelled = false;  // scancel'ed by the study
  };
  void reclaim_earlier_job(const std::filesystem::path& folder);
  void read_reports(int64_t trial, Job& job, std::vector<TrialEvent>& events);
  void query_states(std::vector<TrialEvent>& events);
  void cancel(Job& job);

  SlurmOptions options_;
  std::filesystem::path jobs_dir_;
  std::map<int64_t, Job> jobs_;
  Clock::time_point last_query_{};
  Clock::time_point failing_since_{};
  bool failing_ = false;
};

// How a job that reached a final state ended, as the study records it. `exit_status`: what the
// wrapper wrote (-1: nothing: it was killed); `cancelled_by_study`: the study's own scancel.
TrialExit slurm_trial_exit(const SlurmJobState& state, int exit_status, bool cancelled_by_study,
                           const SlurmOptions& options);

// The batch script of one trial: the wrapper that runs `scidl train` and records its status.
std::string slurm_job_script(const TrialLaunch& launch, const std::filesystem::path& job_folder);

}  // namespace scidl::tune
