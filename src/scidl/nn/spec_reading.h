// Reading a model spec's JSON with errors that name where: unknown keys with the valid ones,
// missing keys, values of the wrong type (an integer key refuses 2.5 rather than rounding).
// Shared by the stack and graph builders (nn/model_spec.cpp, nn/graph_spec.cpp).
#pragma once
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <string>
#include <type_traits>
#include <vector>

namespace scidl::nn::spec {

using nlohmann::json;

inline void check_keys(const json& layer, const std::vector<std::string>& allowed,
                       const std::string& where) {
  for (const auto& [k, v] : layer.items())
    if (std::find(allowed.begin(), allowed.end(), k) == allowed.end())
      throw std::invalid_argument(fmt::format("{}: unknown key '{}'; valid keys are {}", where, k,
                                              fmt::join(allowed, ", ")));
}

// What a config value of type T is called in a message.
template <typename T>
constexpr const char* kind_of() {
  if constexpr (std::is_same_v<T, bool>)
    return "true or false";
  else if constexpr (std::is_integral_v<T>)
    return "an integer";
  else if constexpr (std::is_floating_point_v<T>)
    return "a number";
  else if constexpr (std::is_same_v<T, std::string>)
    return "a string";
  else
    return "a list";
}

template <typename T>
T get(const json& j, const std::string& key, const std::string& where) {
  if (!j.contains(key)) throw std::invalid_argument(fmt::format("{}: missing '{}'", where, key));
  const json& v = j.at(key);
  // nlohmann converts between numbers silently: 2.5 would become the integer 2
  const bool wrong = std::is_integral_v<T> && !std::is_same_v<T, bool> && v.is_number_float();
  try {
    if (!wrong) return v.get<T>();
  } catch (const json::exception&) {
  }
  throw std::invalid_argument(fmt::format("{}: '{}' has the wrong type: expected {}, got {} {}",
                                          where, key, kind_of<T>(), v.type_name(), v.dump()));
}

// get() for an optional key: `fallback` when it is absent.
template <typename T>
T get_or(const json& j, const std::string& key, T fallback, const std::string& where) {
  return j.contains(key) ? get<T>(j, key, where) : fallback;
}

}  // namespace scidl::nn::spec
