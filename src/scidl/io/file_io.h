// Whole files in and out of memory, for the readers and writers of scidl's file formats.
// read_file_bytes loads a file in one piece; AtomicFileWriter replaces a file only once all of its
// new contents are on disk (write to "<path>.tmp-<pid>", fsync, rename), so an error or a crash
// mid-write leaves any previous file intact (one writer per target at a time: the temporary name
// is per process). Failures throw FileError, which names the path and the operating system's
// reason.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace scidl::io {

class FileError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The file's bytes. Throws FileError("cannot open 'x.csv': No such file or directory") and alike.
std::vector<char> read_file_bytes(const std::filesystem::path& path);

class AtomicFileWriter {
 public:
  // Creates the temporary file next to `target`; throws FileError if that is not possible.
  explicit AtomicFileWriter(std::filesystem::path target);
  AtomicFileWriter(const AtomicFileWriter&) = delete;
  AtomicFileWriter& operator=(const AtomicFileWriter&) = delete;
  // Without commit(), the temporary file is removed and the target is left untouched.
  ~AtomicFileWriter();

  void write(const void* bytes, std::size_t count);
  void write(std::string_view text) { write(text.data(), text.size()); }
  // Flushes, fsyncs and renames the temporary file onto the target.
  void commit();

  const std::filesystem::path& temporary_path() const { return temporary_; }
  std::FILE* stream() { return file_; }  // for fmt::print and fwrite; valid until commit()

 private:
  [[noreturn]] void fail(std::string_view what);
  void abandon() noexcept;

  std::filesystem::path target_;
  std::filesystem::path temporary_;
  std::FILE* file_ = nullptr;
};

// Writes `contents` to `target` through an AtomicFileWriter.
void write_file_atomically(const std::filesystem::path& target, std::string_view contents);
// Temporary names contain ".tmp-", so a crashed writer's leftovers can be recognised.
bool is_atomic_temp_file(const std::filesystem::path& path);

// Little-endian fixed-width integers, as the binary headers store them.
inline void append_u32_le(std::string& out, std::uint32_t value) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((value >> (8 * i)) & 0xFF));
}
inline void append_u64_le(std::string& out, std::uint64_t value) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((value >> (8 * i)) & 0xFF));
}
inline std::uint32_t load_u32_le(const char* bytes) {
  std::uint32_t value = 0;
  for (int i = 3; i >= 0; --i) value = (value << 8) | static_cast<unsigned char>(bytes[i]);
  return value;
}
inline std::uint64_t load_u64_le(const char* bytes) {
  std::uint64_t value = 0;
  for (int i = 7; i >= 0; --i) value = (value << 8) | static_cast<unsigned char>(bytes[i]);
  return value;
}

}  // namespace scidl::io
