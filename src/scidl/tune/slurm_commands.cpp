#include "scidl/tune/slurm_commands.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <set>
#include <sstream>
#include <stdexcept>

extern char** environ;

namespace scidl::tune {

namespace {

std::vector<std::string> split(const std::string& text, char separator) {
  std::vector<std::string> parts;
  std::string part;
  std::istringstream in(text);
  while (std::getline(in, part, separator)) parts.push_back(part);
  return parts;
}

std::string trim(const std::string& s) {
  const auto begin = s.find_first_not_of(" \t\r\n");
  if (begin == std::string::npos) return "";
  return s.substr(begin, s.find_last_not_of(" \t\r\n") - begin + 1);
}

// "0", "0:15" (code:signal), "" or "(null)": the exit code, -1 when there is none.
int parse_exit_code(const std::string& text) {
  const auto code = trim(text.substr(0, text.find(':')));
  if (code.empty() || code.find_first_not_of("0123456789") != std::string::npos) return -1;
  return std::stoi(code);
}

const char* kHowToStart =
    "start a single-node cluster with scripts/slurm_start.sh and point Slurm's commands at it "
    "(eval \"$(scripts/slurm_start.sh --env)\"), or run the trials here with executor = \"local\"";

}  // namespace

CommandOutput run_command(const std::vector<std::string>& argv, double timeout_s) {
  int out_pipe[2], err_pipe[2];
  if (::pipe2(out_pipe, O_CLOEXEC) != 0) return {127, "", std::strerror(errno)};
  if (::pipe2(err_pipe, O_CLOEXEC) != 0) {
    ::close(out_pipe[0]);
    ::close(out_pipe[1]);
    return {127, "", std::strerror(errno)};
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out_pipe[1], STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, err_pipe[1], STDERR_FILENO);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  std::vector<char*> args;
  std::vector<std::string> copy = argv;
  for (auto& a : copy) args.push_back(a.data());
  args.push_back(nullptr);
  pid_t pid = -1;
  const int spawned = posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(out_pipe[1]);
  ::close(err_pipe[1]);
  CommandOutput result;
  if (spawned != 0) {
    ::close(out_pipe[0]);
    ::close(err_pipe[0]);
    return {127, "", fmt::format("{}: {}", argv[0], std::strerror(spawned))};
  }
  const auto deadline = std::chrono::steady_clock::now() +
                        std::chrono::milliseconds(static_cast<int64_t>(timeout_s * 1000));
  pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
  std::string* sinks[2] = {&result.out, &result.err};
  int open_pipes = 2;
  bool timed_out = false;
  while (open_pipes > 0) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      timed_out = true;
      ::kill(pid, SIGKILL);
      break;
    }
    if (::poll(fds, 2, static_cast<int>(left.count())) < 0 && errno != EINTR) break;
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP))) continue;
      char buffer[4096];
      const ssize_t n = ::read(fds[i].fd, buffer, sizeof buffer);
      if (n > 0) {
        sinks[i]->append(buffer, static_cast<size_t>(n));
      } else if (n == 0 || errno != EINTR) {
        ::close(fds[i].fd);
        fds[i].fd = -1;
        --open_pipes;
      }
    }
  }
  for (auto& f : fds)
    if (f.fd >= 0) ::close(f.fd);
  int raw = 0;
  while (::waitpid(pid, &raw, 0) < 0 && errno == EINTR) {
  }
  result.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : 128 + WTERMSIG(raw);
  if (timed_out) result.err += fmt::format("\n{} did not answer within {} s", argv[0], timeout_s);
  return result;
}

bool is_final_state(const std::string& state) {
  static const std::set<std::string> final_states = {
      "COMPLETED",     "CANCELLED", "FAILED",   "TIMEOUT", "NODE_FAIL",   "BOOT_FAIL",
      "OUT_OF_MEMORY", "PREEMPTED", "DEADLINE", "REVOKED", "SPECIAL_EXIT"};
  return final_states.count(state) > 0;
}

std::map<std::string, SlurmJobState> parse_squeue(const std::string& text) {
  std::map<std::string, SlurmJobState> jobs;
  for (const auto& line : split(text, '\n')) {
    const auto fields = split(line, '|');
    if (fields.size() < 2 || trim(fields[0]).empty()) continue;
    SlurmJobState s;
    s.id = trim(fields[0]);
    s.state = trim(fields[1]);
    s.reason = fields.size() > 2 ? trim(fields[2]) : "";
    s.exit_code = fields.size() > 3 ? parse_exit_code(fields[3]) : -1;
    jobs[s.id] = s;
  }
  return jobs;
}

std::map<std::string, SlurmJobState> parse_sacct(const std::string& text) {
  std::map<std::string, SlurmJobState> jobs;
  for (const auto& line : split(text, '\n')) {
    const auto fields = split(line, '|');
    if (fields.size() < 2 || trim(fields[0]).empty()) continue;
    SlurmJobState s;
    s.id = trim(fields[0]);
    const auto state = trim(fields[1]);  // "CANCELLED by 0": the word alone
    s.state = state.substr(0, state.find(' '));
    s.reason = state.size() > s.state.size() ? trim(state.substr(s.state.size())) : "None";
    s.exit_code = fields.size() > 2 ? parse_exit_code(fields[2]) : -1;
    jobs[s.id] = s;
  }
  return jobs;
}

std::optional<std::string> parse_job_id(const std::string& text) {
  const auto id = trim(trim(text).substr(0, trim(text).find(';')));
  if (id.empty() || id.find_first_not_of("0123456789_") != std::string::npos) return std::nullopt;
  return id;
}

std::vector<std::string> sbatch_arguments(const SlurmOptions& o, const std::string& job_name,
                                          const std::string& log, const std::string& script) {
  std::vector<std::string> args = {"sbatch",
                                   "--parsable",
                                   "--job-name=" + job_name,
                                   "--output=" + log,
                                   "--open-mode=append",
                                   "--ntasks=1",
                                   fmt::format("--cpus-per-task={}", o.cpus_per_trial)};
  if (!o.partition.empty()) args.push_back("--partition=" + o.partition);
  if (!o.time_limit.empty()) args.push_back("--time=" + o.time_limit);
  args.insert(args.end(), o.sbatch_args.begin(), o.sbatch_args.end());
  args.push_back(script);
  return args;
}

void check_slurm_available(const SlurmOptions& o) {
  for (const char* tool : {"sbatch", "squeue", "scancel", "sinfo"}) {
    const auto probe = run_command({tool, "--version"}, 30);
    if (probe.status == 127)
      throw std::runtime_error(fmt::format(
          "executor = \"slurm\", but Slurm's {} is not on PATH: install Slurm's commands "
          "(Debian: scripts/setup.sh --slurm installs slurm-wlm), then {}",
          tool, kHowToStart));
  }
  const auto partitions = run_command({"sinfo", "--noheader", "--format=%R|%a"}, 60);
  if (partitions.status != 0)
    throw std::runtime_error(
        fmt::format("executor = \"slurm\", but Slurm is not running here: sinfo says \"{}\"; {}",
                    trim(partitions.err + partitions.out), kHowToStart));
  if (o.partition.empty()) return;
  std::vector<std::string> names;
  for (const auto& line : split(partitions.out, '\n'))
    if (!trim(line).empty()) names.push_back(trim(line.substr(0, line.find('|'))));
  if (std::find(names.begin(), names.end(), o.partition) == names.end())
    throw std::runtime_error(
        fmt::format("[slurm] partition = \"{}\" is none of this cluster's partitions ({}); "
                    "choose one of them, or leave partition out for the default",
                    o.partition, fmt::join(names, ", ")));
}

std::string submit_job(const SlurmOptions& o, const std::string& job_name, const std::string& log,
                       const std::string& script) {
  const auto args = sbatch_arguments(o, job_name, log, script);
  const auto r = run_command(args, 120);
  const auto id = r.status == 0 ? parse_job_id(r.out) : std::nullopt;
  if (!id)
    throw std::runtime_error(
        fmt::format("sbatch refused the job of {} (exit status {}): {}\nthe command was: {}",
                    job_name, r.status, trim(r.err + "\n" + r.out), fmt::join(args, " ")));
  return *id;
}

std::optional<std::map<std::string, SlurmJobState>> query_jobs(
    const std::vector<std::string>& ids) {
  if (ids.empty()) return std::map<std::string, SlurmJobState>{};
  const std::string list = fmt::format("{}", fmt::join(ids, ","));
  const auto queue = run_command({"squeue", "--noheader", "--states=all", "--jobs=" + list,
                                  "--Format=JobID:|,State:|,Reason:|,exit_code:|"});
  std::map<std::string, SlurmJobState> jobs;
  if (queue.status == 0)
    jobs = parse_squeue(queue.out);
  else if (queue.err.find("Invalid job id") == std::string::npos)  // squeue knows none of them
    return std::nullopt;
  std::vector<std::string> missing;
  for (const auto& id : ids)
    if (!jobs.count(id)) missing.push_back(id);
  if (missing.empty()) return jobs;
  // Gone from the controller's memory (MinJobAge): accounting, where the cluster keeps it.
  const auto accounting = run_command({"sacct", "--noheader", "--parsable2", "--allocations",
                                       "--jobs=" + fmt::format("{}", fmt::join(missing, ",")),
                                       "--format=JobID,State,ExitCode"});
  if (accounting.status == 0)
    for (auto& [id, state] : parse_sacct(accounting.out))
      if (std::find(missing.begin(), missing.end(), id) != missing.end()) jobs[id] = state;
  return jobs;
}

void cancel_job(const std::string& id) {
  const auto r = run_command({"scancel", id});
  const bool gone = r.err.find("Invalid job id") != std::string::npos ||
                    r.err.find("already completing or completed") != std::string::npos;
  if (r.status != 0 && !gone)
    throw std::runtime_error(
        fmt::format("scancel {} failed (exit status {}): {}", id, r.status, trim(r.err + r.out)));
}

}  // namespace scidl::tune
