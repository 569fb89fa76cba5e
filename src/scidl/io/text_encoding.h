// Names and paths end up in files that store UTF-8 text (JSON in model files and checkpoints,
// TOML configs, TensorBoard tags), whose writers refuse other bytes. These checks let a run find
// such a name before it writes anything, and show it with its bad bytes escaped.
#pragma once
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace scidl::io {

bool is_utf8(std::string_view text);

// `text` with every byte that is not part of valid UTF-8 written as \xNN, for messages.
std::string printable(std::string_view text);

// The first string (key or value) in `j` that is not UTF-8, with where it is.
struct NonUtf8String {
  std::string key_path;  // "data.x", "input_range.names[2]"; a key itself is named by its path
  std::string text;      // the offending string (raw bytes)
  bool is_key = false;
};
std::optional<NonUtf8String> find_non_utf8(const nlohmann::json& j);

}  // namespace scidl::io
