// Key paths into a TOML config, as `--set` and a tune search space name them:
// "training.epochs", "model.layers[1].units" (a list entry by its 0-based index). Setting a value
// either creates missing tables on the way (`--set output.dir=...` in a config without [output])
// or insists that every step but the last already exists (a search space applied to a base
// config, where a missing step is a typo: the message names the nearest keys there).
#pragma once
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "scidl/io/config_reader.h"

namespace scidl::io {

struct KeyPathStep {
  std::string key;
  std::vector<int64_t> indices;  // "layers[1]" -> key "layers", indices {1}
};

// Splits "model.layers[1].units"; an empty step, an unclosed bracket or a negative or non-numeric
// index throws ConfigError naming the path.
std::vector<KeyPathStep> parse_key_path(const std::string& path);

enum class MissingSteps { create, refuse };

// Sets `path` to `value` (a TOML value; arrays and tables allowed). With MissingSteps::refuse,
// every step before the last must exist (a list index in range), else ConfigError naming the
// step, the keys that do exist there and the nearest of them.
void set_config_value(ConfigDocument& doc, const std::string& path, const toml::node& value,
                      MissingSteps missing);
// The same with a JSON value (numbers, strings, booleans, arrays and objects of them).
void set_config_value(ConfigDocument& doc, const std::string& path, const nlohmann::json& value,
                      MissingSteps missing);
// True when `path` names a value present in the document.
bool config_value_exists(const ConfigDocument& doc, const std::string& path);

}  // namespace scidl::io
