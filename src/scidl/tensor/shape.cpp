#include "scidl/tensor/shape.h"

#include <fmt/format.h>

#include <stdexcept>

#include "scidl/tensor/dtype.h"

namespace scidl {

const char* dtype_name(DType t) {
  switch (t) {
    case DType::Float32: return "float32";
    case DType::Float64: return "float64";
    case DType::Int64: return "int64";
  }
  return "?";
}

std::string Device::str() const {
  return type == DeviceType::CPU ? std::string("cpu") : fmt::format("cuda:{}", index);
}

namespace {
// A shape whose extents multiply past 2^63 describes no tensor, even with a 0 among them (its
// strides would still overflow): a corrupt file's header, typically (the IDX fuzzer found one).
[[noreturn]] void too_large(const Shape& shape) {
  throw std::invalid_argument(
      fmt::format("shape {} is too large: its sizes multiply past 2^63", shape_str(shape)));
}
}  // namespace

int64_t numel_of(const Shape& shape) {
  int64_t n = 1;
  for (auto s : shape)
    if (__builtin_mul_overflow(n, s, &n)) too_large(shape);
  return n;
}

Shape contiguous_strides(const Shape& shape) {
  Shape strides(shape.size());
  int64_t s = 1;
  for (size_t i = shape.size(); i-- > 0;) {
    strides[i] = s;
    if (__builtin_mul_overflow(s, shape[i], &s)) too_large(shape);
  }
  return strides;
}

std::string shape_str(const Shape& shape) { return fmt::format("[{}]", fmt::join(shape, ", ")); }

Shape broadcast_shapes(const Shape& a, const Shape& b, const char* op) {
  size_t rank = std::max(a.size(), b.size());
  Shape out(rank);
  for (size_t i = 0; i < rank; ++i) {
    int64_t da = i < rank - a.size() ? 1 : a[i - (rank - a.size())];
    int64_t db = i < rank - b.size() ? 1 : b[i - (rank - b.size())];
    if (da != db && da != 1 && db != 1)
      throw std::invalid_argument(fmt::format("{}: shapes {} and {} cannot be broadcast together",
                                              op, shape_str(a), shape_str(b)));
    out[i] = da == 1 ? db : da;
  }
  return out;
}

int64_t wrap_dim(int64_t dim, int64_t rank, const char* op) {
  int64_t r = rank == 0 ? 1 : rank;
  if (dim < -r || dim >= r)
    throw std::out_of_range(
        fmt::format("{}: dimension {} is out of range for a tensor of rank {}", op, dim, rank));
  return dim < 0 ? dim + r : dim;
}

}  // namespace scidl
