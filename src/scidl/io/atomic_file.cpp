#include "scidl/io/atomic_file.h"

#include <fcntl.h>
#include <fmt/core.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>

namespace scidl::io {
namespace {

std::atomic<unsigned long> temporary_counter{0};

[[noreturn]] void fail(const std::string& what, const std::filesystem::path& path, int error) {
  throw std::runtime_error(fmt::format("{} {}: {}", what, path.string(), std::strerror(error)));
}

void fsync_directory(const std::filesystem::path& dir) {
  const int fd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY);
  if (fd < 0) return;  // some filesystems do not allow it; the rename itself already happened
  ::fsync(fd);
  ::close(fd);
}

}  // namespace

AtomicFile::AtomicFile(std::filesystem::path target) : target_(std::move(target)) {
  temporary_ = target_;
  temporary_ += fmt::format(".tmp-{}-{}", ::getpid(), temporary_counter.fetch_add(1));
  stream_ = std::fopen(temporary_.c_str(), "wb");
  if (!stream_) {
    fail("cannot create temporary file (is the directory there and writable?)", temporary_, errno);
  }
}

AtomicFile::~AtomicFile() {
  if (stream_) {
    std::fclose(stream_);
    std::error_code ignored;
    std::filesystem::remove(temporary_, ignored);
  }
}

void AtomicFile::write(std::string_view bytes) {
  if (std::fwrite(bytes.data(), 1, bytes.size(), stream_) != bytes.size()) {
    fail("cannot write (disk full?)", temporary_, errno);
  }
}

void AtomicFile::commit() {
  if (!stream_) throw std::logic_error("AtomicFile::commit called twice");
  if (std::fflush(stream_) != 0 || std::ferror(stream_)) {
    fail("cannot write (disk full?)", temporary_, errno);
  }
  if (::fsync(::fileno(stream_)) != 0) fail("cannot sync to disk", temporary_, errno);
  const int close_result = std::fclose(stream_);
  stream_ = nullptr;
  if (close_result != 0) {
    const int error = errno;
    std::error_code ignored;
    std::filesystem::remove(temporary_, ignored);
    fail("cannot close", temporary_, error);
  }
  if (std::rename(temporary_.c_str(), target_.c_str()) != 0) {
    const int error = errno;
    std::error_code ignored;
    std::filesystem::remove(temporary_, ignored);
    fail("cannot rename the finished temporary file onto", target_, error);
  }
  fsync_directory(target_.parent_path());
}

void write_file_atomically(const std::filesystem::path& target, std::string_view contents) {
  AtomicFile file(target);
  file.write(contents);
  file.commit();
}

bool is_atomic_temp_file(const std::filesystem::path& path) {
  return path.filename().string().find(".tmp-") != std::string::npos;
}

}  // namespace scidl::io
