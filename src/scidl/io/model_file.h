// The scidl model file: what a trained model is saved as. One file holds a caller-defined JSON
// description (architecture, config, training state) and a table of named arrays; the layout is
// versioned and specified in docs/model_file_format.md. write_model_file replaces the file
// atomically (write "<path>.tmp-<pid>", fsync, rename), so a failure leaves a previous file intact;
// read_model_file checks magic, version, size and CRC-32 before it trusts a byte, and returns
// exactly the bytes that were written. Problems throw ModelFileError, whose kind() says which.
#pragma once

#include <cstdint>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "scidl/io/named_array.h"

namespace scidl::io {

// The format version this build writes, and the newest it reads.
inline constexpr std::uint32_t kModelFileFormatVersion = 1;

class ModelFileError : public std::runtime_error {
 public:
  enum class Kind {
    FileAccess,          // the file cannot be opened, read or written
    NotAModelFile,       // bad magic
    UnsupportedVersion,  // written by a newer scidl (or a corrupt version field)
    Truncated,           // shorter than its header says
    ChecksumMismatch,    // bytes changed after writing
    Malformed,           // inconsistent header or tensor table
    InvalidArrays,       // write_model_file was given arrays it cannot store
  };
  ModelFileError(Kind kind, const std::string& message)
      : std::runtime_error(message), kind_(kind) {}
  Kind kind() const { return kind_; }

 private:
  Kind kind_;
};

struct ModelFile {
  nlohmann::json meta;             // as the writer gave it
  std::vector<NamedArray> arrays;  // in the writer's order

  // The array called `name`, or nullptr.
  const NamedArray* find(std::string_view name) const {
    for (const NamedArray& array : arrays) {
      if (array.name == name) return &array;
    }
    return nullptr;
  }
};

// Array names must be unique and each array consistent (NamedArray::is_consistent).
void write_model_file(const std::filesystem::path& path, const nlohmann::json& meta,
                      const std::vector<NamedArray>& arrays);

ModelFile read_model_file(const std::filesystem::path& path);

}  // namespace scidl::io
