// The binary files of scidl's own trees (extra_trees.h, oblivious_boost.h): an 8-byte magic, then
// raw numbers in the machine's byte order. RawReader reads them back with every size checked
// against what is left, each error naming the file, what was being read and the byte.
#pragma once
#include <fmt/format.h>

#include <cstring>
#include <stdexcept>
#include <string>

namespace scidl::automl {

template <typename T>
void put_raw(std::string& out, const T* data, size_t count) {
  out.append(reinterpret_cast<const char*>(data), count * sizeof(T));
}

class RawReader {
 public:
  // kind: what the file should be ("extra-trees model"), for the errors.
  RawReader(const std::string& bytes, std::string name, std::string kind)
      : bytes_(bytes), name_(std::move(name)), kind_(std::move(kind)) {}

  std::runtime_error bad(const std::string& what) const {
    return std::runtime_error(
        fmt::format("{}: not a scidl {} ({} at byte {}); fit it again", name_, kind_, what, at_));
  }
  void take(void* into, size_t size, const char* what) {
    if (left() < size) throw bad(fmt::format("the file ends inside {}", what));
    if (size == 0) return;  // `into` may be an empty vector's null data(): no memcpy at all
    std::memcpy(into, bytes_.data() + at_, size);
    at_ += size;
  }
  void expect_magic(const char (&magic)[8]) {
    char read[8];
    take(read, 8, "the header");
    if (std::memcmp(read, magic, 8) != 0)
      throw bad(fmt::format("no {} header", std::string(magic, 8)));
  }
  void expect_end() const {
    if (left() != 0) throw bad(fmt::format("{} bytes after the last tree", left()));
  }
  size_t left() const { return bytes_.size() - at_; }

 private:
  const std::string& bytes_;
  std::string name_, kind_;
  size_t at_ = 0;
};

}  // namespace scidl::automl
