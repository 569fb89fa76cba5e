// Element types and devices a tensor can have. float32 trains, float64 checks gradients, int64
// holds indices (class labels, gather/scatter indices).
#pragma once
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>

namespace scidl {

enum class DType : uint8_t { Float32, Float64, Int64 };

constexpr size_t dtype_size(DType t) { return t == DType::Float32 ? 4 : 8; }
constexpr bool is_floating(DType t) { return t != DType::Int64; }
const char* dtype_name(DType t);

template <typename T> constexpr DType dtype_of();
template <> constexpr DType dtype_of<float>() { return DType::Float32; }
template <> constexpr DType dtype_of<double>() { return DType::Float64; }
template <> constexpr DType dtype_of<int64_t>() { return DType::Int64; }

enum class DeviceType : uint8_t { CPU, CUDA };

struct Device {
  DeviceType type = DeviceType::CPU;
  int index = 0;
  bool operator==(const Device&) const = default;
  std::string str() const;
};

inline constexpr Device kCPU{DeviceType::CPU, 0};

// Calls f.template operator()<T>() with T the C++ type of the dtype:
//   dispatch_float(t.dtype(), [&]<typename scalar_t>() { ... });
template <typename F> decltype(auto) dispatch_float(DType dtype, F&& f) {
  switch (dtype) {
    case DType::Float32: return f.template operator()<float>();
    case DType::Float64: return f.template operator()<double>();
    default: throw std::invalid_argument(std::string("expected a floating-point tensor, got ") +
                                         dtype_name(dtype));
  }
}

template <typename F> decltype(auto) dispatch_all(DType dtype, F&& f) {
  switch (dtype) {
    case DType::Float32: return f.template operator()<float>();
    case DType::Float64: return f.template operator()<double>();
    default: return f.template operator()<int64_t>();
  }
}

}  // namespace scidl
