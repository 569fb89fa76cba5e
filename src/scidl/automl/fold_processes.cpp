#include "scidl/automl/fold_processes.h"

#include <fmt/format.h>
#include <omp.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <map>
#include <stdexcept>

namespace scidl::automl {
namespace {

// A report fits in a pipe's buffer, so a child never waits for its parent to read.
constexpr size_t kMaxReport = 16384;

void write_all(int fd, const std::string& text) {
  size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    done += static_cast<size_t>(n);
  }
}

std::string read_all(int fd) {
  std::string text;
  char buf[4096];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    text.append(buf, static_cast<size_t>(n));
  }
  return text;
}

// The child's report: "ok\n<file>\n<note>" or "error\n<message>".
FoldOutcome parse(const std::string& report, int status) {
  FoldOutcome out;
  if (report.rfind("ok\n", 0) == 0) {
    const size_t end = report.find('\n', 3);
    out.ok = end != std::string::npos;
    out.file = report.substr(3, end == std::string::npos ? std::string::npos : end - 3);
    if (end != std::string::npos) out.note = report.substr(end + 1);
  } else if (report.rfind("error\n", 0) == 0) {
    out.error = report.substr(6);
  }
  if (out.ok || !out.error.empty()) return out;
  out.ok = false;
  out.error = WIFSIGNALED(status)
                  ? fmt::format("its fold's process was killed by signal {}", WTERMSIG(status))
                  : fmt::format("its fold's process exited with status {} and no report",
                                WIFEXITED(status) ? WEXITSTATUS(status) : -1);
  return out;
}

}  // namespace

std::vector<FoldOutcome> fit_folds_in_processes(
    size_t folds, int workers,
    const std::function<std::pair<std::string, std::string>(size_t fold)>& fit,
    const std::atomic<bool>* stop) {
  std::vector<FoldOutcome> outcomes(folds);
  bool forwarded = false;
  auto stopping = [&] { return stop != nullptr && stop->load(); };
  std::map<pid_t, std::pair<size_t, int>> running;  // pid -> (fold, read end of its pipe)
  size_t next = 0;
  // Waits for one of our children (by pid, so a caller's other children are left alone).
  auto wait_one = [&] {
    for (;;) {
      for (auto it = running.begin(); it != running.end(); ++it) {
        int status = 0;
        if (::waitpid(it->first, &status, WNOHANG) != it->first) continue;
        const auto [fold, fd] = it->second;
        outcomes[fold] = parse(read_all(fd), status);
        ::close(fd);
        running.erase(it);
        return;
      }
      if (stopping() && !forwarded) {
        for (const auto& [pid, job] : running) ::kill(pid, SIGINT);
        forwarded = true;
      }
      ::usleep(2000);
    }
  };
  while (next < folds || !running.empty()) {
    if (next < folds && static_cast<int>(running.size()) < workers) {
      int fds[2];
      if (::pipe(fds) != 0) throw std::runtime_error("cannot create a pipe for a fold's process");
      const pid_t pid = ::fork();
      if (pid < 0) {
        ::close(fds[0]);
        ::close(fds[1]);
        throw std::runtime_error("cannot start a process for a fold");
      }
      if (pid == 0) {  // the child: fit, report, and leave without running any destructor
        ::close(fds[0]);
        omp_set_num_threads(1);
        int code = 0;
        try {
          const auto [file, note] = fit(next);
          write_all(fds[1], ("ok\n" + file + "\n" + note).substr(0, kMaxReport));
        } catch (const std::exception& e) {
          write_all(fds[1], (std::string("error\n") + e.what()).substr(0, kMaxReport));
          code = 1;
        }
        ::close(fds[1]);
        ::_exit(code);
      }
      ::close(fds[1]);
      running[pid] = {next, fds[0]};
      ++next;
    } else {
      wait_one();
    }
  }
  return outcomes;
}

}  // namespace scidl::automl
