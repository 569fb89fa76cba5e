#include "scidl/io/toml_writer.h"

#include <fmt/format.h>

#include <toml++/toml.h>
#include <limits>
#include <sstream>

namespace scidl::io {

namespace {

toml::table to_table(const nlohmann::json& j, const std::string& path);

toml::array to_array(const nlohmann::json& j, const std::string& path);

// Inserts `value` under `key` into a table or appends it to an array; nulls are skipped.
template <typename Insert>
void put(const nlohmann::json& value, const std::string& path, Insert&& insert) {
  if (value.is_null()) return;
  if (value.is_object()) return insert(to_table(value, path));
  if (value.is_array()) return insert(to_array(value, path));
  if (value.is_boolean()) return insert(value.get<bool>());
  if (value.is_number_unsigned()) {
    const auto v = value.get<uint64_t>();
    if (v > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
      throw std::invalid_argument(
          fmt::format("'{}' is {}, past the largest TOML integer (2^63 - 1)", path, v));
    return insert(static_cast<int64_t>(v));
  }
  if (value.is_number_integer()) return insert(value.get<int64_t>());
  if (value.is_number_float()) return insert(value.get<double>());
  insert(value.get<std::string>());
}

toml::table to_table(const nlohmann::json& j, const std::string& path) {
  toml::table t;
  for (const auto& [k, v] : j.items()) {
    const std::string here = path.empty() ? k : path + "." + k;
    put(v, here, [&](auto&& node) { t.insert(k, std::forward<decltype(node)>(node)); });
  }
  return t;
}

toml::array to_array(const nlohmann::json& j, const std::string& path) {
  toml::array a;
  for (size_t i = 0; i < j.size(); ++i)
    put(j[i], fmt::format("{}[{}]", path, i),
        [&](auto&& node) { a.push_back(std::forward<decltype(node)>(node)); });
  return a;
}

}  // namespace

std::string json_to_toml(const nlohmann::json& document) {
  if (!document.is_object())
    throw std::invalid_argument("a TOML document must be a table (a JSON object)");
  std::ostringstream out;
  out << to_table(document, "") << "\n";
  return out.str();
}

}  // namespace scidl::io
