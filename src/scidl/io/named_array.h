// NamedArray: a named, typed, shaped block of bytes, the unit that file formats (safetensors, the
// scidl model file) read and write without knowing about tensors. Contract: `data` holds exactly
// numel(shape) * element_size(dtype) bytes, row-major, little-endian (the only host order scidl
// builds for); a shape of {} is a scalar with one element.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace scidl::io {

static_assert(std::endian::native == std::endian::little,
              "scidl file formats store little-endian bytes and copy them as they are");

enum class ElementType : std::uint8_t { Float32, Float64, Int64 };

constexpr std::size_t element_size(ElementType type) {
  return type == ElementType::Float32 ? 4 : 8;
}

// The spellings safetensors uses ("F32", "F64", "I64"); the scidl model file uses them too.
constexpr std::string_view element_type_name(ElementType type) {
  switch (type) {
    case ElementType::Float32:
      return "F32";
    case ElementType::Float64:
      return "F64";
    case ElementType::Int64:
      return "I64";
  }
  return "?";
}

constexpr std::optional<ElementType> element_type_from_name(std::string_view name) {
  if (name == "F32") return ElementType::Float32;
  if (name == "F64") return ElementType::Float64;
  if (name == "I64") return ElementType::Int64;
  return std::nullopt;
}

// The C++ type stored for each ElementType, for typed access.
template <class T>
constexpr ElementType element_type_of() {
  if constexpr (std::is_same_v<T, float>) {
    return ElementType::Float32;
  } else if constexpr (std::is_same_v<T, double>) {
    return ElementType::Float64;
  } else {
    static_assert(std::is_same_v<T, std::int64_t>, "NamedArray stores float, double or int64_t");
    return ElementType::Int64;
  }
}

// Product of the dimensions (1 for a scalar). Assumes a valid shape; readers of untrusted files
// use checked_byte_count instead.
inline std::int64_t numel(std::span<const std::int64_t> shape) {
  std::int64_t count = 1;
  for (std::int64_t dim : shape) count *= dim;
  return count;
}

// numel(shape) * element_bytes, or nullopt when a dimension is negative or the product
// overflows: the check a reader makes before trusting a shape found in a file.
inline std::optional<std::uint64_t> checked_byte_count(std::span<const std::int64_t> shape,
                                                       std::size_t element_bytes) {
  std::uint64_t bytes = element_bytes;
  for (std::int64_t dim : shape) {
    if (dim < 0) return std::nullopt;
    if (__builtin_mul_overflow(bytes, static_cast<std::uint64_t>(dim), &bytes)) return std::nullopt;
  }
  return bytes;
}
inline std::optional<std::uint64_t> checked_byte_count(std::span<const std::int64_t> shape,
                                                       ElementType type) {
  return checked_byte_count(shape, element_size(type));
}

struct NamedArray {
  std::string name;
  ElementType dtype = ElementType::Float32;
  std::vector<std::int64_t> shape;
  std::vector<std::byte> data;

  std::int64_t numel() const { return io::numel(shape); }
  // True when data.size() matches shape and dtype: the invariant every writer checks.
  bool is_consistent() const {
    auto expected = checked_byte_count(shape, dtype);
    return expected && *expected == data.size();
  }
};

// Builds a NamedArray from typed values; values.size() must equal numel(shape).
template <class T>
NamedArray make_named_array(std::string name, std::vector<std::int64_t> shape,
                            std::span<const T> values) {
  if (static_cast<std::int64_t>(values.size()) != numel(shape)) {
    throw std::invalid_argument(
        "make_named_array('" + name + "'): " + std::to_string(values.size()) +
        " values do not fill a shape of " + std::to_string(numel(shape)) + " elements");
  }
  NamedArray array{std::move(name), element_type_of<T>(), std::move(shape), {}};
  array.data.resize(values.size_bytes());
  if (!values.empty()) std::memcpy(array.data.data(), values.data(), values.size_bytes());
  return array;
}
template <class T>
NamedArray make_named_array(std::string name, std::vector<std::int64_t> shape,
                            const std::vector<T>& values) {
  return make_named_array<T>(std::move(name), std::move(shape), std::span<const T>(values));
}

// Copies the elements out as T; T must match the array's dtype.
template <class T>
std::vector<T> values_of(const NamedArray& array) {
  if (array.dtype != element_type_of<T>()) {
    throw std::invalid_argument("values_of('" + array.name + "'): the array holds " +
                                std::string(element_type_name(array.dtype)) + ", not " +
                                std::string(element_type_name(element_type_of<T>())));
  }
  std::vector<T> values(array.data.size() / sizeof(T));
  if (!values.empty()) std::memcpy(values.data(), array.data.data(), values.size() * sizeof(T));
  return values;
}

}  // namespace scidl::io
