// Writes a file so that readers (and crashes) only ever see the old content or the complete new
// content, never half of it: data goes to a temporary file beside the target, is flushed and
// fsync'ed, then renamed over the target, and the directory is fsync'ed so the rename survives a
// power cut. Contract: on any error the target is untouched and the temporary file is removed;
// errors name the path and the system's reason. Temporary names contain ".tmp-" (see
// is_atomic_temp_file) so a crashed writer's leftovers can be recognised and cleaned up.
#pragma once
#include <cstdio>
#include <filesystem>
#include <string_view>

namespace scidl::io {

class AtomicFile {
 public:
  explicit AtomicFile(std::filesystem::path target);
  ~AtomicFile();  // without commit(): discards the temporary file, leaves the target alone
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  std::FILE* stream() { return stream_; }  // write here (fmt::print, fwrite, ...)
  void write(std::string_view bytes);
  void commit();  // flush, fsync, rename over the target, fsync the directory

 private:
  std::filesystem::path target_;
  std::filesystem::path temporary_;
  std::FILE* stream_ = nullptr;
};

void write_file_atomically(const std::filesystem::path& target, std::string_view contents);

bool is_atomic_temp_file(const std::filesystem::path& path);

}  // namespace scidl::io
