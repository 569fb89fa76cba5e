// IDX files, the format of MNIST and Fashion-MNIST: a big-endian magic number 0x0000TTDD (TT the
// value type, DD the number of dimensions), DD big-endian uint32 sizes, then the values in
// row-major order. Files may be gzip-compressed or plain; zlib reads both.
// Contract: read_idx checks the magic number, the type code and that the file holds exactly the
// values the header promises, none missing and none left over; each error names the file and the
// numbers that disagree. What an images or labels file must hold is checked by its reader
// (data/fashion_mnist.h).
#pragma once
#include <cstdint>
#include <filesystem>
#include <vector>

#include "scidl/tensor/tensor.h"

namespace scidl::data {

enum class IdxType : uint8_t {
  UInt8 = 0x08,
  Int8 = 0x09,
  Int16 = 0x0B,
  Int32 = 0x0C,
  Float32 = 0x0D,
  Float64 = 0x0E
};

struct IdxArray {
  IdxType type = IdxType::UInt8;
  Shape dims;
  std::vector<uint8_t> bytes;  // the values as stored (big-endian for multi-byte types)
  int64_t count() const { return numel_of(dims); }
  // 0x0000TTDD as the file's first four bytes hold it, for messages.
  uint32_t magic() const { return (uint32_t(type) << 8) | uint32_t(dims.size()); }
};

IdxArray read_idx(const std::filesystem::path& path);
// Writes plain or gzip-compressed IDX (for tests and exports).
void write_idx(const std::filesystem::path& path, const IdxArray& array, bool gzip);

// The values as a tensor of dims' shape: floating types get value * scale, Int64 the integers.
Tensor idx_to_tensor(const IdxArray& array, DType dtype, double scale = 1.0);

}  // namespace scidl::data
