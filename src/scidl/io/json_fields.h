// Typed reads of the JSON header fields that safetensors and the scidl model file share (shapes,
// byte offsets). Each returns nullopt when the field is not what the format requires, so that the
// caller can name the file and the tensor in its error.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <vector>

#include <nlohmann/json.hpp>

namespace scidl::io {

// A non-negative integer that fits in int64 (a byte offset, a size or a dimension).
inline std::optional<std::uint64_t> json_non_negative_integer(const nlohmann::json& value) {
  if (value.is_number_unsigned()) {
    auto offset = value.get<std::uint64_t>();
    if (offset <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
      return offset;
    }
    return std::nullopt;
  }
  if (value.is_number_integer() && value.get<std::int64_t>() >= 0) {
    return static_cast<std::uint64_t>(value.get<std::int64_t>());
  }
  return std::nullopt;
}

// An array of non-negative integers.
inline std::optional<std::vector<std::int64_t>> json_shape(const nlohmann::json& value) {
  if (!value.is_array()) return std::nullopt;
  std::vector<std::int64_t> shape;
  shape.reserve(value.size());
  for (const nlohmann::json& dim : value) {
    auto extent = json_non_negative_integer(dim);
    if (!extent) return std::nullopt;
    shape.push_back(static_cast<std::int64_t>(*extent));
  }
  return shape;
}

}  // namespace scidl::io
