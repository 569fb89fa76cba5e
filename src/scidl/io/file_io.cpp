#include "scidl/io/file_io.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <system_error>
#include <utility>

namespace scidl::io {
namespace {

std::string quoted(const std::filesystem::path& path) { return "'" + path.string() + "'"; }

[[noreturn]] void throw_os_error(std::string_view action, const std::filesystem::path& path,
                                 int error_number) {
  throw FileError(std::string(action) + " " + quoted(path) + ": " + std::strerror(error_number));
}

// Closes the descriptor on every path out of read_file_bytes.
struct DescriptorCloser {
  int descriptor;
  ~DescriptorCloser() { ::close(descriptor); }
};

}  // namespace

std::vector<char> read_file_bytes(const std::filesystem::path& path) {
  int descriptor = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (descriptor < 0) throw_os_error("cannot open", path, errno);
  DescriptorCloser closer{descriptor};

  struct stat info {};
  if (::fstat(descriptor, &info) != 0) throw_os_error("cannot read", path, errno);
  if (S_ISDIR(info.st_mode)) throw_os_error("cannot read", path, EISDIR);

  // The size from fstat is a hint (pipes report 0, files may grow): read until end of file.
  std::vector<char> bytes(static_cast<std::size_t>(std::max<off_t>(info.st_size, 0)));
  std::size_t filled = 0;
  for (;;) {
    char probe[4096];
    const bool full = filled == bytes.size();
    char* target = full ? probe : bytes.data() + filled;
    const std::size_t room = full ? sizeof probe : bytes.size() - filled;
    const ssize_t got = ::read(descriptor, target, room);
    if (got < 0) {
      if (errno == EINTR) continue;
      throw_os_error("cannot read", path, errno);
    }
    if (got == 0) break;
    if (full) {
      bytes.insert(bytes.end(), probe, probe + got);
    }
    filled += static_cast<std::size_t>(got);
  }
  bytes.resize(filled);
  return bytes;
}

AtomicFileWriter::AtomicFileWriter(std::filesystem::path target) : target_(std::move(target)) {
  temporary_ = target_;
  // One writer per target at a time (callers own their targets); the pid keeps processes apart.
  temporary_ += ".tmp-" + std::to_string(::getpid());
  file_ = std::fopen(temporary_.c_str(), "wb");
  if (file_ == nullptr)
    throw_os_error("cannot create temporary file (is the directory there and writable?)",
                   temporary_, errno);
}

AtomicFileWriter::~AtomicFileWriter() { abandon(); }

void AtomicFileWriter::abandon() noexcept {
  if (file_ != nullptr) {
    std::fclose(file_);
    file_ = nullptr;
    std::error_code ignored;
    std::filesystem::remove(temporary_, ignored);
  }
}

void AtomicFileWriter::fail(std::string_view what) {
  int error_number = errno;
  abandon();
  throw_os_error(what, target_, error_number);
}

void AtomicFileWriter::write(const void* bytes, std::size_t count) {
  if (file_ == nullptr) throw FileError("write to " + quoted(target_) + " after commit");
  if (count > 0 && std::fwrite(bytes, 1, count, file_) != count) fail("cannot write");
}

void AtomicFileWriter::commit() {
  if (file_ == nullptr) throw FileError("commit of " + quoted(target_) + " twice");
  if (std::fflush(file_) != 0) fail("cannot write");
  if (::fsync(::fileno(file_)) != 0) fail("cannot sync");
  std::FILE* file = std::exchange(file_, nullptr);
  if (std::fclose(file) != 0) {
    int error_number = errno;
    std::error_code ignored;
    std::filesystem::remove(temporary_, ignored);
    throw_os_error("cannot write", target_, error_number);
  }
  if (std::rename(temporary_.c_str(), target_.c_str()) != 0) {
    int error_number = errno;
    std::error_code ignored;
    std::filesystem::remove(temporary_, ignored);
    throw_os_error("cannot replace", target_, error_number);
  }
  // Make the rename itself durable; a failure here cannot undo it, so it is not an error.
  std::filesystem::path directory = target_.parent_path();
  if (directory.empty()) directory = ".";
  int directory_descriptor = ::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (directory_descriptor >= 0) {
    ::fsync(directory_descriptor);
    ::close(directory_descriptor);
  }
}

void write_file_atomically(const std::filesystem::path& target, std::string_view contents) {
  AtomicFileWriter file(target);
  file.write(contents);
  file.commit();
}

bool is_atomic_temp_file(const std::filesystem::path& path) {
  return path.filename().string().find(".tmp-") != std::string::npos;
}

}  // namespace scidl::io
