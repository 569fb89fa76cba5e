// Range checks for numeric options that CLI::Range cannot say: a quantity that must be above
// zero (a time step, a mass) or strictly inside an interval (a share). Like CLI::Range they run
// while the line is parsed, before any work, and the error names the option and the range.
// An integer option needs an upper bound even where any size would do: CLI11 2.1 reads "-1" into
// an unsigned integer, and a number too large for the type, as the type's largest value.
#pragma once
#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include <cstdint>
#include <string>

namespace scidl::cli {

// A number in (low, high): an open interval.
inline CLI::Validator strictly_between(double low, double high) {
  return CLI::Validator(
      [low, high](std::string& input) -> std::string {
        double value = 0;
        if (!CLI::detail::lexical_cast(input, value) || !(value > low && value < high))
          return fmt::format("Value {} not in range ({} - {}), ends excluded", input, low, high);
        return {};
      },
      fmt::format("in ({} - {})", low, high));
}

// A number in (0, high]: positive, and at most `high`.
inline CLI::Validator positive_at_most(double high) {
  return CLI::Validator(
      [high](std::string& input) -> std::string {
        double value = 0;
        if (!CLI::detail::lexical_cast(input, value) || !(value > 0 && value <= high))
          return fmt::format("Value {} not in range (0 - {}], 0 excluded", input, high);
        return {};
      },
      fmt::format("in (0 - {}]", high));
}

// A seed: any integer from 0 to 2^53, which a double (and so JSON) holds exactly.
inline CLI::Validator seed_range() { return CLI::Range(std::uint64_t{0}, std::uint64_t{1} << 53); }

}  // namespace scidl::cli
