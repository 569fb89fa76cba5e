// Slurm's commands as the tune executor uses them: sbatch to submit a trial's job, squeue (and
// sacct, where the cluster keeps accounting) for the states of jobs, scancel to end one. Each
// runs as a child process found on PATH (SLURM_CONF and the rest of the environment passed on);
// what they print is parsed here, apart from the executor, so tests can feed it fixed text.
#pragma once
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace scidl::tune {

struct SlurmOptions {
  std::string partition;                 // sbatch --partition; "": the cluster's default
  std::string time_limit;                // sbatch --time, per trial ("30", "1:00:00"); "": none
  int cpus_per_trial = 1;                // sbatch --cpus-per-task; the trial's threads
  std::vector<std::string> sbatch_args;  // more sbatch options, after the ones above
  double poll_s = 2;                     // how often squeue is asked
};

struct CommandOutput {
  int status = 0;  // exit status; 127 when the command could not be started
  std::string out, err;
};

// Runs argv[0] (looked up on PATH) with the rest as its arguments; stops it after `timeout_s`.
CommandOutput run_command(const std::vector<std::string>& argv, double timeout_s = 60);

struct SlurmJobState {
  std::string id;
  std::string state;   // squeue's/sacct's word: PENDING, RUNNING, COMPLETED, TIMEOUT, ...
  std::string reason;  // why it is pending, or "None"
  int exit_code = -1;  // the job's exit code where Slurm says it, else -1
};

// A state after which the job runs no more (COMPLETED, CANCELLED, FAILED, TIMEOUT, NODE_FAIL,
// OUT_OF_MEMORY, PREEMPTED, BOOT_FAIL, DEADLINE, ...); PENDING, RUNNING, COMPLETING are not.
bool is_final_state(const std::string& state);

// `squeue --noheader --states=all --Format=JobID:|,State:|,Reason:|,exit_code:|` lines.
std::map<std::string, SlurmJobState> parse_squeue(const std::string& text);
// `sacct --noheader --parsable2 --allocations --format=JobID,State,ExitCode` lines
// ("12|CANCELLED by 0|0:15").
std::map<std::string, SlurmJobState> parse_sacct(const std::string& text);
// sbatch --parsable's answer: "12" or "12;cluster"; nullopt when it is not a job id.
std::optional<std::string> parse_job_id(const std::string& text);

// The arguments of sbatch for one trial's job (its script last).
std::vector<std::string> sbatch_arguments(const SlurmOptions& options, const std::string& job_name,
                                          const std::string& log, const std::string& script);

// Refuses (std::runtime_error) when sbatch, squeue or scancel is missing or the controller does
// not answer, saying how to start one; and when `partition` is none of the cluster's.
void check_slurm_available(const SlurmOptions& options);

// Submits; throws with sbatch's own words when it refuses.
std::string submit_job(const SlurmOptions& options, const std::string& job_name,
                       const std::string& log, const std::string& script);
// The states of these jobs; a job neither squeue nor sacct knows is left out. nullopt when
// squeue itself failed (the controller did not answer): nothing is known this time.
std::optional<std::map<std::string, SlurmJobState>> query_jobs(const std::vector<std::string>& ids);
void cancel_job(const std::string& id);

}  // namespace scidl::tune
