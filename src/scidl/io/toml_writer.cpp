#include "scidl/io/toml_writer.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

namespace scidl::io {

namespace {

std::string quoted(const std::string& text) {
  std::string out = "\"";
  for (unsigned char ch : text) {
    if (ch == '"' || ch == '\\')
      out += {'\\', static_cast<char>(ch)};
    else if (ch < 0x20 || ch == 0x7f)
      out += fmt::format("\\u{:04x}", ch);
    else
      out += static_cast<char>(ch);
  }
  return out + "\"";
}

std::string key(const std::string& k) {
  const bool bare = !k.empty() && k.find_first_not_of(
                                      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOP"
                                      "QRSTUVWXYZ0123456789_-") == std::string::npos;
  return bare ? k : quoted(k);
}

// Shortest text that reads back as the same double, always with a '.' or an exponent so that
// TOML reads a float ("1.0", not the integer 1).
std::string number(double v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  std::string text = fmt::format("{}", v);
  if (text.find_first_of(".eEn") == std::string::npos) text += ".0";
  return text;
}

bool is_table_array(const nlohmann::json& v) {
  return v.is_array() && !v.empty() &&
         std::all_of(v.begin(), v.end(), [](const auto& e) { return e.is_object(); });
}

std::string inline_value(const nlohmann::json& v, const std::string& path) {
  if (v.is_object()) {
    std::string out = "{ ";
    bool first = true;
    for (const auto& [k, e] : v.items()) {
      if (e.is_null()) continue;
      out += (first ? "" : ", ") + key(k) + " = " + inline_value(e, path + "." + k);
      first = false;
    }
    return first ? "{}" : out + " }";
  }
  if (v.is_array()) {
    std::string out = "[";
    for (size_t i = 0; i < v.size(); ++i)
      out += (i ? ", " : "") + inline_value(v[i], fmt::format("{}[{}]", path, i));
    return out + "]";
  }
  if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
  if (v.is_number_unsigned()) {
    if (v.get<uint64_t>() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
      throw std::invalid_argument(
          fmt::format("'{}' is {}, past the largest TOML integer (2^63 - 1)", path, v.dump()));
    return v.dump();
  }
  if (v.is_number_integer()) return v.dump();
  if (v.is_number_float()) return number(v.get<double>());
  if (v.is_string()) return quoted(v.get<std::string>());
  throw std::invalid_argument(fmt::format("'{}' is null, which TOML cannot hold", path));
}

// A table's plain values, then its sub-tables as [path] and its arrays of tables as [[path]].
void write_table(const nlohmann::json& table, const std::string& path, std::string& out) {
  for (const auto& [k, v] : table.items())
    if (!v.is_null() && !v.is_object() && !is_table_array(v))
      out += key(k) + " = " + inline_value(v, path + k) + "\n";
  for (const auto& [k, v] : table.items()) {
    const std::string here = path + key(k);
    if (v.is_object()) {
      out += "\n[" + here + "]\n";
      write_table(v, here + ".", out);
    } else if (is_table_array(v)) {
      for (const auto& element : v) {
        out += "\n[[" + here + "]]\n";
        write_table(element, here + ".", out);
      }
    }
  }
}

}  // namespace

std::string json_to_toml(const nlohmann::json& document) {
  if (!document.is_object())
    throw std::invalid_argument("a TOML document must be a table (a JSON object)");
  std::string out;
  write_table(document, "", out);
  return out;
}

}  // namespace scidl::io
