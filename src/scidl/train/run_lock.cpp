#include "scidl/train/run_lock.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>

namespace scidl::train {

namespace {

std::string host_name() {
  char name[256] = {};
  if (::gethostname(name, sizeof name - 1) != 0) return "an unknown host";
  return name;
}

struct Holder {
  std::string program;  // "scidl train", "scidl tune", ...
  std::string details;  // "pid 12 on host h, since ...", or "" when the file is empty
};

// The holder's record as written by write_record: its details on the first line, its program on
// the second (a record without one is from a scidl that only ever locked for `scidl train`).
Holder read_record(int fd) {
  std::string text(512, '\0');
  const ssize_t n = ::pread(fd, text.data(), text.size(), 0);
  text.resize(n > 0 ? static_cast<size_t>(n) : 0);
  while (!text.empty() && (text.back() == '\n' || text.back() == '\0')) text.pop_back();
  Holder h{"scidl train", text};
  if (const auto newline = text.find('\n'); newline != std::string::npos) {
    h.details = text.substr(0, newline);
    h.program = text.substr(newline + 1);
  }
  return h;
}

void write_record(int fd, const std::string& program) {
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  char since[32] = "an unknown time";
  if (::gmtime_r(&now, &utc)) std::strftime(since, sizeof since, "%Y-%m-%d %H:%M:%S UTC", &utc);
  const std::string record =
      fmt::format("pid {} on host {}, since {}\n{}\n", ::getpid(), host_name(), since, program);
  if (::ftruncate(fd, 0) != 0 ||
      ::pwrite(fd, record.data(), record.size(), 0) != static_cast<ssize_t>(record.size()))
    throw std::runtime_error(
        fmt::format("cannot write the run folder's lock file: {}", std::strerror(errno)));
}

// Whether `fd` is still the file at `path`: a holder that released removed its file, and a
// process that opened the old file before that holds a lock nobody else sees.
bool still_at(int fd, const std::filesystem::path& path) {
  struct stat open_file {
  }, on_disk{};
  return ::fstat(fd, &open_file) == 0 && ::stat(path.c_str(), &on_disk) == 0 &&
         open_file.st_dev == on_disk.st_dev && open_file.st_ino == on_disk.st_ino;
}

}  // namespace

RunFolderLock RunFolderLock::acquire(const std::filesystem::path& dir, bool verbose,
                                     const std::string& program) {
  const bool created = !std::filesystem::exists(dir);
  std::filesystem::create_directories(dir);
  const auto path = dir / kFileName;
  for (;;) {
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0)
      throw std::runtime_error(
          fmt::format("cannot create the lock file '{}': {}", path.string(), std::strerror(errno)));
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
      const int error = errno;
      const Holder holder = read_record(fd);
      ::close(fd);
      if (error != EWOULDBLOCK)
        throw std::runtime_error(
            fmt::format("cannot lock '{}': {}", path.string(), std::strerror(error)));
      throw RunFolderBusy(fmt::format(
          "'{}' is in use by another `{}` ({}); nothing was changed. Wait for it to end, stop "
          "it, or choose another folder (--out DIR)",
          dir.string(), holder.details.empty() ? "scidl" : holder.program,
          holder.details.empty() ? "a process that is starting" : holder.details));
    }
    if (!still_at(fd, path)) {  // its holder released and removed it meanwhile: try again
      ::close(fd);
      continue;
    }
    const Holder previous = read_record(fd);
    if (!previous.details.empty() && verbose)
      fmt::print(
          "note: '{}' was locked by a `{}` that ended without releasing it ({}; killed, or its "
          "host restarted); taking the lock over\n",
          dir.string(), previous.program, previous.details);
    try {
      write_record(fd, program);
    } catch (...) {
      ::close(fd);
      throw;
    }
    return RunFolderLock(dir, fd, created);
  }
}

RunFolderLock::RunFolderLock(std::filesystem::path dir, int fd, bool created_dir)
    : dir_(std::move(dir)), fd_(fd), created_dir_(created_dir) {}

RunFolderLock::RunFolderLock(RunFolderLock&& other) noexcept
    : dir_(std::move(other.dir_)), fd_(other.fd_), created_dir_(other.created_dir_) {
  other.fd_ = -1;
}

RunFolderLock::~RunFolderLock() {
  if (fd_ < 0) return;
  std::error_code ignored;
  // Removed while still held, so a waiting process sees a new file (still_at) and locks that.
  std::filesystem::remove(dir_ / kFileName, ignored);
  ::close(fd_);
  if (created_dir_ && std::filesystem::is_empty(dir_, ignored))
    std::filesystem::remove(dir_, ignored);
}

}  // namespace scidl::train
