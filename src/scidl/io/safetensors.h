// safetensors files (https://github.com/huggingface/safetensors), the format PyTorch, JAX and
// NumPy users exchange weights in: an 8-byte little-endian header length N, N bytes of JSON
// {"name": {"dtype", "shape", "data_offsets": [begin, end]}, "__metadata__": {str: str}}, then
// the tensors' raw little-endian bytes (offsets relative to the end of the header).
//
// read_safetensors returns the arrays in the order of their bytes in the file. F32, F64 and I64
// load as they are; F16 and BF16 are widened to F32 and I32 to I64 (exactly); any other dtype is
// an error. Every header field is checked against the file before a byte is trusted. The writer
// stores F32/F64/I64 arrays ordered by name, the header padded with spaces to a multiple of 8
// bytes, and replaces the file atomically. Problems throw SafetensorsError naming the file and,
// where there is one, the tensor.
#pragma once

#include <filesystem>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "scidl/io/named_array.h"

namespace scidl::io {

class SafetensorsError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// `metadata`, when given, receives the file's "__metadata__" (empty if it has none).
std::vector<NamedArray> read_safetensors(const std::filesystem::path& path,
                                         std::map<std::string, std::string>* metadata = nullptr);

// Names must be unique, non-empty and not "__metadata__"; each array must be consistent.
void write_safetensors(const std::filesystem::path& path, const std::vector<NamedArray>& arrays,
                       const std::map<std::string, std::string>& metadata = {});

}  // namespace scidl::io
