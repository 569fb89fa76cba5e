#include "scidl/tune/slurm_executor.h"

#include <fmt/format.h>

#include <fstream>
#include <stdexcept>
#include <thread>

#include "scidl/io/file_io.h"

namespace scidl::tune {

namespace {

// A word as a POSIX shell reads it back: single-quoted.
std::string quoted(const std::string& word) {
  std::string out = "'";
  for (char ch : word) out += ch == '\'' ? std::string("'\\''") : std::string(1, ch);
  return out + "'";
}

std::string read_job_id(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::string id;
  in >> id;
  return id;
}

// squeue failing this long in a row (the controller gone) ends the study with its words.
constexpr std::chrono::seconds kQueryPatience{300};
// A job squeue and sacct do not list this long after sbatch took it is gone (ended, forgotten).
constexpr std::chrono::seconds kListingPatience{60};

}  // namespace

std::string slurm_job_script(const TrialLaunch& l, const std::filesystem::path& folder) {
  const auto abs = [](const std::filesystem::path& p) {
    return quoted(std::filesystem::absolute(p).lexically_normal().string());
  };
  return fmt::format(
      "#!/bin/bash\n"
      "# {name} of a scidl tune study, as a Slurm job (executor = \"slurm\").\n"
      "# scancel signals every process of the job: the trial writes a checkpoint and exits;\n"
      "# this shell waits for it (the trap) and records its status for the tuner.\n"
      "trap true TERM INT\n"
      "export OMP_NUM_THREADS=${{SLURM_CPUS_PER_TASK:-1}} "
      "OPENBLAS_NUM_THREADS=${{SLURM_CPUS_PER_TASK:-1}}\n"
      "{exe} train {config} {mode} {run} --config-dir {config_dir} --report-dir {folder} "
      "--quiet\n"
      "status=$?\n"
      "echo $status > {status_file}\n"
      "exit $status\n",
      fmt::arg("name", l.name), fmt::arg("exe", abs(l.executable)),
      fmt::arg("config", abs(l.config)), fmt::arg("mode", l.resume ? "--resume" : "--out"),
      fmt::arg("run", abs(l.run_dir)), fmt::arg("config_dir", abs(l.config_dir)),
      fmt::arg("folder", abs(folder)), fmt::arg("status_file", abs(folder / kExitStatusFile)));
}

TrialExit slurm_trial_exit(const SlurmJobState& s, int exit_status, bool cancelled_by_study,
                           const SlurmOptions& o) {
  TrialExit e;
  // The wrapper's record first: Slurm's exit code is the wrapper's, or 0 for a signalled job.
  e.status = exit_status >= 0 ? exit_status : s.exit_code > 0 ? s.exit_code : 143;
  const std::string job = fmt::format("Slurm job {} {}", s.id, s.state);
  if (s.state == "COMPLETED") {
    e.status = exit_status >= 0 ? exit_status : 0;
  } else if (s.state == "CANCELLED" && cancelled_by_study) {
    e.on_request = true;
  } else if (s.state == "CANCELLED") {
    e.failure = fmt::format(
        "{}: cancelled, not by the study (an scancel by a user or an "
        "administrator)",
        job);
  } else if (s.state == "TIMEOUT") {
    e.failure = fmt::format(
        "{}: it ran past its time limit ({}); give trials more with [slurm] "
        "time_limit",
        job, o.time_limit.empty() ? "the partition's" : o.time_limit);
  } else if (s.state == "NODE_FAIL" || s.state == "BOOT_FAIL") {
    e.failure = fmt::format("{}: its node failed", job);
  } else if (s.state == "OUT_OF_MEMORY") {
    e.failure = fmt::format(
        "{}: it ran out of memory; ask for more with [slurm] sbatch_args = "
        "[\"--mem=8G\"]",
        job);
  } else if (s.state == "FAILED") {
    e.failure = job;
  } else if (s.state.empty() || s.state == "UNKNOWN") {
    e.failure = fmt::format("Slurm job {} is gone from squeue and sacct{}", s.id,
                            exit_status >= 0 ? "" : " and left no exit status");
  } else {
    e.failure = fmt::format("{}: ended by Slurm", job);
  }
  if (!e.failure.empty() && e.status == 0 && s.state != "UNKNOWN" && !s.state.empty())
    e.status = 1;  // Slurm's word wins: the job did not end well
  return e;
}

SlurmExecutor::SlurmExecutor(SlurmOptions options, std::filesystem::path jobs_dir)
    : options_(std::move(options)), jobs_dir_(std::move(jobs_dir)) {
  check_slurm_available(options_);
  std::filesystem::create_directories(jobs_dir_);
}

SlurmExecutor::~SlurmExecutor() {
  for (auto& [trial, job] : jobs_) {  // the study stopped early (an error): leave no job behind
    try {
      if (!job.cancelled) cancel_job(job.id);
    } catch (const std::exception&) {
    }
  }
}

std::string SlurmExecutor::describe() const {
  return fmt::format("Slurm jobs (sbatch) on partition {}, {} core{} each, time limit {}",
                     options_.partition.empty() ? "(default)" : options_.partition,
                     options_.cpus_per_trial, options_.cpus_per_trial == 1 ? "" : "s",
                     options_.time_limit.empty() ? "(the partition's)" : options_.time_limit);
}

// A study resumed while a job of its killed tuner still runs: that job ends first (scancel: it
// writes its checkpoint), so the trial is continued by one job, not two.
void SlurmExecutor::reclaim_earlier_job(const std::filesystem::path& folder) {
  const auto id = read_job_id(folder / "job_id");
  if (id.empty()) return;
  for (int tries = 0; tries < 600; ++tries) {
    const auto states = query_jobs({id});
    if (!states) {
      std::this_thread::sleep_for(std::chrono::seconds(1));
      continue;
    }
    const auto it = states->find(id);
    if (it == states->end() || is_final_state(it->second.state)) return;
    if (tries == 0) cancel_job(id);
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
  throw std::runtime_error(
      fmt::format("Slurm job {} (an earlier run of {}) did not end within 5 minutes of scancel", id,
                  folder.string()));
}

void SlurmExecutor::start(int64_t trial, const TrialLaunch& launch) {
  const auto folder = jobs_dir_ / launch.name;
  std::filesystem::create_directories(folder);
  reclaim_earlier_job(folder);
  Job job{"", TrialFileReader(folder), {}, Clock::now(), 0, 0, {}, false};
  job.files.clear();
  const auto script = folder / "job.sh";
  io::write_file_atomically(script, slurm_job_script(launch, folder));
  const std::string name = fmt::format(
      "scidl-{}-{}", std::filesystem::absolute(jobs_dir_).parent_path().filename().string(),
      launch.name);
  job.id = submit_job(options_, name, std::filesystem::absolute(launch.log).string(),
                      std::filesystem::absolute(script).string());
  io::write_file_atomically(folder / "job_id", job.id + "\n");
  job.state.id = job.id;
  job.state.state = "PENDING";
  jobs_.insert_or_assign(trial, std::move(job));
}

void SlurmExecutor::read_reports(int64_t trial, Job& job, std::vector<TrialEvent>& events) {
  for (auto& report : job.files.new_reports()) {
    TrialEvent e;
    e.trial = trial;
    e.epoch = report["epoch"].get<int>();
    e.logs = std::move(report["logs"]);
    job.last_epoch = std::max(job.last_epoch, e.epoch);
    if (job.stop_epoch > 0) continue;  // stopped: later epochs are not the study's
    events.push_back(std::move(e));
  }
}

void SlurmExecutor::cancel(Job& job) {
  if (job.cancelled) return;
  job.cancelled = true;
  cancel_job(job.id);
}

void SlurmExecutor::query_states(std::vector<TrialEvent>& events) {
  std::vector<std::string> ids;
  for (const auto& [trial, job] : jobs_) ids.push_back(job.id);
  const auto states = query_jobs(ids);
  if (!states) {
    if (!failing_) failing_since_ = Clock::now();
    failing_ = true;
    if (Clock::now() - failing_since_ > kQueryPatience)
      throw std::runtime_error(fmt::format(
          "squeue has not answered for {} s: the Slurm controller is gone; the jobs may still "
          "run; continue the study with scidl tune --resume once Slurm answers",
          kQueryPatience.count()));
    return;
  }
  failing_ = false;
  for (auto it = jobs_.begin(); it != jobs_.end();) {
    auto& [trial, job] = *it;
    const auto found = states->find(job.id);
    SlurmJobState state =
        found != states->end() ? found->second : SlurmJobState{job.id, "UNKNOWN", "", -1};
    if (found == states->end() && job.files.exit_status() < 0 &&
        Clock::now() - job.submitted < kListingPatience) {
      ++it;  // just submitted and not listed yet: ask again next time
      continue;
    }
    job.state = state;
    if (!is_final_state(state.state) && state.state != "UNKNOWN") {
      ++it;
      continue;
    }
    read_reports(trial, job, events);  // what it wrote before it ended comes first
    TrialEvent e;
    e.kind = TrialEvent::Kind::ended;
    e.trial = trial;
    e.exit = slurm_trial_exit(state, job.files.exit_status(), job.cancelled, options_);
    events.push_back(std::move(e));
    it = jobs_.erase(it);
  }
}

std::vector<TrialEvent> SlurmExecutor::poll(std::chrono::milliseconds wait) {
  std::vector<TrialEvent> events;
  for (auto& [trial, job] : jobs_) {
    read_reports(trial, job, events);
    const bool ignored_stop = job.stop_epoch > 0 && (job.last_epoch > job.stop_epoch ||
                                                     Clock::now() - job.stopped_at > kStopGrace);
    if (ignored_stop) cancel(job);
  }
  const auto every = std::chrono::milliseconds(static_cast<int64_t>(options_.poll_s * 1000));
  if (Clock::now() - last_query_ >= every) {
    last_query_ = Clock::now();
    query_states(events);
  }
  if (events.empty()) std::this_thread::sleep_for(wait);
  return events;
}

void SlurmExecutor::answer(int64_t trial, int epoch, const Decision& decision) {
  const auto it = jobs_.find(trial);
  if (it == jobs_.end()) return;
  it->second.files.answer(epoch, decision);
  if (decision.stop && it->second.stop_epoch == 0) {
    it->second.stop_epoch = epoch;
    it->second.stopped_at = Clock::now();
  }
}

void SlurmExecutor::interrupt(int64_t trial) {
  const auto it = jobs_.find(trial);
  if (it != jobs_.end()) cancel(it->second);
}

std::string SlurmExecutor::waiting_reason(int64_t trial) const {
  const auto it = jobs_.find(trial);
  if (it == jobs_.end() || it->second.state.state != "PENDING") return {};
  const auto& reason = it->second.state.reason;
  return reason.empty() || reason == "None" ? "queued" : fmt::format("queued ({})", reason);
}

}  // namespace scidl::tune
