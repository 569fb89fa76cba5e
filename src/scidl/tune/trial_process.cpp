#include "scidl/tune/trial_process.h"

#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fstream>
#include <stdexcept>
#include <vector>

namespace scidl::tune {

namespace {
constexpr int kChildFd = 3;  // the trial's end of the socket pair
}

TrialProcess TrialProcess::start(const TrialLaunch& l, int threads) {
  int pair[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) != 0)
    throw std::runtime_error(
        fmt::format("cannot make a socket for a trial: {}", std::strerror(errno)));
  std::vector<std::string> args = {l.executable.string(),    "train",
                                   l.config.string(),        l.resume ? "--resume" : "--out",
                                   l.run_dir.string(),       "--config-dir",
                                   l.config_dir.string(),    "--report-fd",
                                   std::to_string(kChildFd), "--quiet"};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  // The trial's environment is made here: after fork only async-signal-safe calls are allowed
  // (setenv may take a lock another thread of a multithreaded tuner, e.g. Python's, held).
  std::vector<std::string> env;
  for (char** e = environ; *e; ++e) {
    const std::string entry = *e;
    if (entry.rfind("OMP_NUM_THREADS=", 0) != 0 && entry.rfind("OPENBLAS_NUM_THREADS=", 0) != 0)
      env.push_back(entry);
  }
  env.push_back("OMP_NUM_THREADS=" + std::to_string(threads));
  env.push_back("OPENBLAS_NUM_THREADS=" + std::to_string(threads));
  std::vector<char*> envp;
  for (auto& e : env) envp.push_back(e.data());
  envp.push_back(nullptr);
  const pid_t parent = ::getpid();
  const int log = ::open(l.log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (log < 0) {
    ::close(pair[0]);
    ::close(pair[1]);
    throw std::runtime_error(
        fmt::format("cannot write the trial log '{}': {}", l.log.string(), std::strerror(errno)));
  }
  const pid_t pid = ::fork();
  if (pid == 0) {  // the child: only async-signal-safe calls until exec
    // Fires when the forking thread ends: the study's loop, which outlives its trials (also
    // on the worker thread scidl.tune runs it on).
    ::prctl(PR_SET_PDEATHSIG, SIGINT);
    if (::getppid() != parent) ::_exit(130);  // the tuner died before prctl
    ::setpgid(0, 0);  // a terminal's Ctrl-C reaches the tuner alone, which stops trials once
    ::dup2(pair[1], kChildFd);  // dup2 clears FD_CLOEXEC on the copy
    ::dup2(log, STDOUT_FILENO);
    ::dup2(log, STDERR_FILENO);
    ::execve(argv[0], argv.data(), envp.data());
    ::_exit(127);
  }
  ::close(pair[1]);
  ::close(log);
  if (pid < 0) {
    ::close(pair[0]);
    throw std::runtime_error(fmt::format("cannot start a trial: {}", std::strerror(errno)));
  }
  return TrialProcess(pid, pair[0]);
}

TrialProcess::TrialProcess(TrialProcess&& o) noexcept
    : pid_(o.pid_), fd_(o.fd_), status_(o.status_) {
  o.pid_ = -1;
  o.fd_ = -1;
}

TrialProcess& TrialProcess::operator=(TrialProcess&& o) noexcept {
  std::swap(pid_, o.pid_);
  std::swap(fd_, o.fd_);
  std::swap(status_, o.status_);
  return *this;
}

TrialProcess::~TrialProcess() {
  if (fd_ >= 0) ::close(fd_);
  if (pid_ > 0 && !status_) {  // never leave a trial behind, nor a zombie
    ::kill(pid_, SIGINT);
    wait_exit();
  }
}

namespace {
int decode(int raw) { return WIFEXITED(raw) ? WEXITSTATUS(raw) : 128 + WTERMSIG(raw); }
}  // namespace

std::optional<int> TrialProcess::poll_exit() {
  if (status_ || pid_ <= 0) return status_;
  int raw = 0;
  const pid_t r = ::waitpid(pid_, &raw, WNOHANG);
  if (r == pid_) status_ = decode(raw);
  return status_;
}

int TrialProcess::wait_exit() {
  while (!status_ && pid_ > 0) {
    int raw = 0;
    const pid_t r = ::waitpid(pid_, &raw, 0);
    if (r == pid_)
      status_ = decode(raw);
    else if (r < 0 && errno != EINTR)
      status_ = 1;
  }
  return status_.value_or(1);
}

void TrialProcess::interrupt() {
  if (pid_ > 0 && !status_) ::kill(pid_, SIGINT);
}

std::string tail_of_file(const std::filesystem::path& file, int lines) {
  std::ifstream in(file);
  std::vector<std::string> all;
  for (std::string line; std::getline(in, line);) all.push_back(line);
  std::string out;
  for (size_t i = all.size() > static_cast<size_t>(lines) ? all.size() - lines : 0; i < all.size();
       ++i) {
    if (!out.empty()) out += '\n';
    out += all[i];
  }
  return out;
}

}  // namespace scidl::tune
