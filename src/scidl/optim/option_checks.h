// Range checks for optimizer and schedule options, with messages that name the optimizer, the
// option, the value given and the valid range (internal to optim/).
#pragma once
#include <fmt/format.h>

#include <cmath>
#include <stdexcept>

namespace scidl::optim {

inline void check_positive(const char* who, const char* option, double value) {
  if (!(value > 0) || !std::isfinite(value))
    throw std::invalid_argument(
        fmt::format("{}: '{}' must be a positive finite number, got {}", who, option, value));
}

inline void check_non_negative(const char* who, const char* option, double value) {
  if (!(value >= 0) || !std::isfinite(value))
    throw std::invalid_argument(
        fmt::format("{}: '{}' must be zero or positive, got {}", who, option, value));
}

inline void check_in_unit_interval(const char* who, const char* option, double value) {
  if (!(value >= 0 && value <= 1))
    throw std::invalid_argument(
        fmt::format("{}: '{}' must lie in [0, 1], got {}", who, option, value));
}

}  // namespace scidl::optim
