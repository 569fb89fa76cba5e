#include "scidl/data/idx.h"

#include <fmt/format.h>
#include <zlib.h>

#include <algorithm>
#include <cstring>
#include <limits>
#include <memory>
#include <stdexcept>

namespace scidl::data {

namespace {

int64_t type_size(IdxType t) {
  switch (t) {
    case IdxType::UInt8:
    case IdxType::Int8:
      return 1;
    case IdxType::Int16:
      return 2;
    case IdxType::Int32:
    case IdxType::Float32:
      return 4;
    case IdxType::Float64:
      return 8;
  }
  return 0;
}

bool known_type(uint8_t code) {
  return code == 0x08 || code == 0x09 || code == 0x0B || code == 0x0C || code == 0x0D ||
         code == 0x0E;
}

struct GzCloser {
  void operator()(gzFile_s* f) const { gzclose(f); }
};
using GzFile = std::unique_ptr<gzFile_s, GzCloser>;

uint32_t big_endian_u32(const uint8_t* p) {
  return (uint32_t(p[0]) << 24) | (uint32_t(p[1]) << 16) | (uint32_t(p[2]) << 8) | uint32_t(p[3]);
}

// Reads up to n bytes; returns how many arrived.
int64_t read_bytes(gzFile f, uint8_t* out, int64_t n, const std::filesystem::path& path) {
  int64_t got = 0;
  while (got < n) {
    const unsigned chunk = static_cast<unsigned>(std::min<int64_t>(n - got, 1 << 30));
    int r = gzread(f, out + got, chunk);
    if (r < 0) {
      int code = 0;
      const char* msg = gzerror(f, &code);
      throw std::runtime_error(
          fmt::format("'{}': the gzip data is corrupt ({}); download the "
                      "file again",
                      path.string(), msg));
    }
    if (r == 0) break;
    got += r;
  }
  return got;
}

// Bytes of values the header promises, saturated at INT64_MAX where no file could hold them
// (four 32-bit sizes can multiply past 2^63).
int64_t payload_bytes(const Shape& dims, IdxType type) {
  if (std::find(dims.begin(), dims.end(), 0) != dims.end()) return 0;
  int64_t bytes = type_size(type);
  for (int64_t d : dims)
    if (__builtin_mul_overflow(bytes, d, &bytes)) return std::numeric_limits<int64_t>::max();
  return bytes;
}

// "60 values of shape [5, 4, 3] (60 bytes)", for the size errors.
std::string promised(const IdxArray& a) {
  const int64_t bytes = payload_bytes(a.dims, a.type);
  if (bytes == std::numeric_limits<int64_t>::max())
    return fmt::format("values of shape {} (more than 2^63 bytes)", shape_str(a.dims));
  return fmt::format("{} values of shape {} ({} bytes)", bytes / type_size(a.type),
                     shape_str(a.dims), bytes);
}

// What to do about a file whose size disagrees with its header. A wrong dimension count in the
// magic number shifts where the header ends, so data is read as sizes; the magic number shows it.
std::string fix(const IdxArray& a) {
  return fmt::format(
      "download the file again, or, if its magic number 0x{:08X} gives the wrong number of "
      "dimensions ({}), correct it (images are 0x00000803, [N, height, width]; labels "
      "0x00000801, [N])",
      a.magic(), a.dims.size());
}

// The `expected` bytes after the header, or fewer where the file ends early. The buffer is
// reserved for `reserve` bytes (the header's size, or less where the file cannot hold that
// many), and never more than 1 GiB at once, so a corrupt header cannot ask for terabytes;
// beyond that the buffer grows as the data arrives, 64 KiB at a time past `reserve` (a header
// that promises more than the file holds costs no more than the file).
std::vector<uint8_t> read_payload(gzFile f, int64_t expected, int64_t reserve,
                                  const std::filesystem::path& path) {
  constexpr int64_t kTrustedBytes = int64_t{1} << 30, kChunk = int64_t{1} << 24;
  std::vector<uint8_t> out;
  out.reserve(static_cast<size_t>(std::min(reserve, kTrustedBytes)));
  while (static_cast<int64_t>(out.size()) < expected) {
    const int64_t at = static_cast<int64_t>(out.size());
    const int64_t want =
        std::min({kChunk, expected - at, std::max(reserve - at, int64_t{1} << 16)});
    out.resize(static_cast<size_t>(at + want));
    const int64_t got = read_bytes(f, out.data() + at, want, path);
    if (got < want) {
      out.resize(static_cast<size_t>(at + got));
      break;
    }
  }
  return out;
}

// How many bytes follow the payload: 0 in a well-formed file.
int64_t count_rest(gzFile f, const std::filesystem::path& path) {
  std::vector<uint8_t> scratch(1 << 16);
  int64_t total = 0;
  for (int64_t got; (got = read_bytes(f, scratch.data(), int64_t(scratch.size()), path)) > 0;)
    total += got;
  return total;
}

// Refuses a file whose values do not fill exactly what its header promises: `extra` bytes were
// left after them, or fewer arrived.
void check_payload_size(const std::filesystem::path& path, const IdxArray& a, int64_t extra,
                        bool compressed) {
  const int64_t expected = payload_bytes(a.dims, a.type);
  if (static_cast<int64_t>(a.bytes.size()) < expected)
    throw std::runtime_error(
        fmt::format("'{}' is truncated: its header promises {} but only {} bytes follow; {}",
                    path.string(), promised(a), a.bytes.size(), fix(a)));
  if (extra == 0) return;
  const int64_t header_bytes = 4 + 4 * static_cast<int64_t>(a.dims.size());
  throw std::runtime_error(fmt::format(
      "'{}' is longer than its header implies: the header promises {}, {} bytes in all with the "
      "{}-byte header, but the file holds {} bytes{}, {} too many; {}",
      path.string(), promised(a), header_bytes + expected, header_bytes,
      header_bytes + expected + extra, compressed ? " once decompressed" : "", extra, fix(a)));
}

// Big-endian value i of the array, as a double.
double value_at(const IdxArray& a, int64_t i) {
  const uint8_t* p = a.bytes.data() + i * type_size(a.type);
  switch (a.type) {
    case IdxType::UInt8:
      return p[0];
    case IdxType::Int8:
      return static_cast<int8_t>(p[0]);
    case IdxType::Int16:
      return static_cast<int16_t>((p[0] << 8) | p[1]);
    case IdxType::Int32:
      return static_cast<int32_t>(big_endian_u32(p));
    case IdxType::Float32: {
      uint32_t u = big_endian_u32(p);
      float f;
      std::memcpy(&f, &u, 4);
      return f;
    }
    case IdxType::Float64: {
      uint64_t u = (uint64_t(big_endian_u32(p)) << 32) | big_endian_u32(p + 4);
      double d;
      std::memcpy(&d, &u, 8);
      return d;
    }
  }
  return 0;
}

}  // namespace

IdxArray read_idx(const std::filesystem::path& path) {
  if (!std::filesystem::exists(path))
    throw std::runtime_error(fmt::format("IDX file '{}' does not exist", path.string()));
  GzFile f(gzopen(path.c_str(), "rb"));
  if (!f) throw std::runtime_error(fmt::format("cannot open IDX file '{}'", path.string()));
  uint8_t magic[4];
  if (read_bytes(f.get(), magic, 4, path) < 4)
    throw std::runtime_error(fmt::format(
        "'{}' is truncated: an IDX file starts with a 4-byte magic number", path.string()));
  const uint32_t m = big_endian_u32(magic);
  if (magic[0] != 0 || magic[1] != 0 || !known_type(magic[2]) || magic[3] == 0)
    throw std::runtime_error(fmt::format(
        "'{}' is not an IDX file: its magic number is 0x{:08X}, expected 0x0000TTDD with type TT "
        "08 (unsigned bytes) ... 0E (float64) and DD >= 1 dimensions, e.g. 0x00000803 for "
        "images and 0x00000801 for labels",
        path.string(), m));
  IdxArray a;
  a.type = static_cast<IdxType>(magic[2]);
  const int ndims = magic[3];
  std::vector<uint8_t> header(4 * ndims);
  if (read_bytes(f.get(), header.data(), 4 * ndims, path) < 4 * ndims)
    throw std::runtime_error(fmt::format(
        "'{}' is truncated: the header names {} dimensions but the file ends before their sizes",
        path.string(), ndims));
  for (int d = 0; d < ndims; ++d) a.dims.push_back(big_endian_u32(header.data() + 4 * d));
  // Even with a 0 among them (no values, which payload_bytes allows), sizes that multiply past
  // 2^63 make no tensor; the checks a tensor of this shape would meet, made here to name the file.
  try {
    numel_of(a.dims);
    contiguous_strides(a.dims);
  } catch (const std::invalid_argument&) {
    throw std::runtime_error(fmt::format(
        "'{}' is corrupt: its header gives the shape {}, whose sizes multiply past 2^63; {}",
        path.string(), shape_str(a.dims), fix(a)));
  }
  // A plain file holds no more than its size, a gzip file no more than 1032 times it (deflate's
  // largest ratio): the header is not trusted beyond that for the allocation.
  const int64_t expected = payload_bytes(a.dims, a.type);
  std::error_code size_error;
  const auto file_size = std::filesystem::file_size(path, size_error);
  const int64_t most = int64_t(file_size) * (gzdirect(f.get()) ? 1 : 1032);
  const int64_t reserve = size_error ? expected : std::min(expected, most);
  a.bytes = read_payload(f.get(), expected, reserve, path);
  check_payload_size(path, a, count_rest(f.get(), path), !gzdirect(f.get()));
  return a;
}

void write_idx(const std::filesystem::path& path, const IdxArray& a, bool gzip) {
  std::vector<uint8_t> out{0, 0, static_cast<uint8_t>(a.type), static_cast<uint8_t>(a.dims.size())};
  for (int64_t d : a.dims)
    for (int s = 24; s >= 0; s -= 8) out.push_back(static_cast<uint8_t>(d >> s));
  out.insert(out.end(), a.bytes.begin(), a.bytes.end());
  GzFile f(gzopen(path.c_str(), gzip ? "wb6" : "wbT"));
  if (!f || gzwrite(f.get(), out.data(), static_cast<unsigned>(out.size())) != int(out.size()))
    throw std::runtime_error(fmt::format("cannot write IDX file '{}'", path.string()));
}

Tensor idx_to_tensor(const IdxArray& a, DType dtype, double scale) {
  Tensor t = empty(a.dims, dtype);
  const int64_t n = a.count();
  dispatch_all(dtype, [&]<typename T>() {
    T* p = t.data<T>();
    if (a.type == IdxType::UInt8) {  // the common case, kept tight
      const uint8_t* b = a.bytes.data();
      if constexpr (std::is_floating_point_v<T>) {
        const T s = static_cast<T>(scale);
        for (int64_t i = 0; i < n; ++i) p[i] = static_cast<T>(b[i]) * s;
      } else {
        for (int64_t i = 0; i < n; ++i) p[i] = b[i];
      }
      return;
    }
    for (int64_t i = 0; i < n; ++i) {
      const double v = value_at(a, i);
      p[i] = std::is_floating_point_v<T> ? static_cast<T>(v * scale) : static_cast<T>(v);
    }
  });
  return t;
}

}  // namespace scidl::data
