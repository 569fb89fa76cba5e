#include "scidl/io/config_reader.h"

#include "scidl/io/config_path.h"

#include "scidl/io/nearest_name.h"

#include <fmt/format.h>

#include <toml++/toml.h>
#include <algorithm>
#include <cctype>
#include <cstring>
#include <fstream>
#include <sstream>

namespace scidl::io {

namespace {
std::string type_of(const toml::node& n) {
  switch (n.type()) {
    case toml::node_type::string:
      return "a string";
    case toml::node_type::integer:
      return "an integer";
    case toml::node_type::floating_point:
      return "a number";
    case toml::node_type::boolean:
      return "a boolean";
    case toml::node_type::array:
      return "a list";
    case toml::node_type::table:
      return "a table";
    default:
      return "a date/time";
  }
}

nlohmann::json to_json(const toml::node& n) {
  if (auto* t = n.as_table()) {
    nlohmann::json j = nlohmann::json::object();
    for (auto& [k, v] : *t) j[std::string(k.str())] = to_json(v);
    return j;
  }
  if (auto* a = n.as_array()) {
    nlohmann::json j = nlohmann::json::array();
    for (auto& v : *a) j.push_back(to_json(v));
    return j;
  }
  if (auto v = n.value<int64_t>(); v && n.is_integer()) return *v;
  if (auto v = n.value<double>(); v && n.is_floating_point()) return *v;
  if (auto v = n.value<bool>()) return *v;
  if (auto v = n.value<std::string>()) return *v;
  return nullptr;
}
}  // namespace

nlohmann::json toml_to_json(const toml::node& node) { return to_json(node); }

ConfigSection::ConfigSection(const toml::table* table, std::string path, std::string file,
                             const KeyTable* keys)
    : table_(table), path_(std::move(path)), file_(std::move(file)), keys_(keys) {}

std::string ConfigSection::key_path(const std::string& key) const {
  return path_.empty() ? key : path_ + "." + key;
}

void ConfigSection::fail(const std::string& key, const std::string& message) const {
  throw ConfigError(fmt::format("{}: '{}' {}", file_, key_path(key), message));
}

void ConfigSection::missing(const std::string& key, const std::string& what) const {
  std::string hint;
  if (table_)
    for (auto& [k, v] : *table_) {
      const std::string other(k.str());
      // Keys asked for are valid ones; one typo in a short key, two in a long one.
      if (!read_.count(other) && typo_distance(other, key) <= (key.size() >= 6 ? 2u : 1u)) {
        hint = fmt::format("; is '{}' a misspelling of it?", key_path(other));
        break;
      }
    }
  fail(key, "is missing: " + what + hint);
}

namespace {
std::string section_name(const KeyTable& keys) {
  return keys.section.empty() ? "the top level" : "[" + keys.section + "]";
}
}  // namespace

const toml::node* ConfigSection::find(const std::string& key, KeyType type) {
  if (keys_) {
    const ConfigKey* declared = keys_->find(key);
    if (!declared)
      throw std::logic_error(
          fmt::format("config parser reads '{}', which the key table of {} "
                      "does not declare (train/config_keys.cpp)",
                      key_path(key), section_name(*keys_)));
    if (type != KeyType::Any && declared->type != type)
      throw std::logic_error(fmt::format(
          "config parser reads '{}' as a {}, but the key table of {} declares a {}", key_path(key),
          key_type_name(type), section_name(*keys_), key_type_name(declared->type)));
  }
  read_.insert(key);
  return table_ ? table_->get(key) : nullptr;
}

void ConfigSection::use_keys(const KeyTable& keys) {
  for (const auto& key : read_)
    if (!keys.find(key))
      throw std::logic_error(
          fmt::format("'{}' was read before the key table of {} {} was chosen, "
                      "which does not declare it",
                      key_path(key), section_name(keys), keys.variant));
  keys_ = &keys;
}

std::optional<std::string> ConfigSection::string(const std::string& key) {
  auto* n = find(key, KeyType::String);
  if (!n) return std::nullopt;
  if (!n->is_string()) fail(key, "must be a string, got " + type_of(*n));
  return n->value<std::string>();
}

std::optional<int64_t> ConfigSection::integer(const std::string& key) {
  auto* n = find(key, KeyType::Integer);
  if (!n) return std::nullopt;
  if (!n->is_integer()) fail(key, "must be an integer, got " + type_of(*n));
  return n->value<int64_t>();
}

std::optional<double> ConfigSection::number(const std::string& key) {
  auto* n = find(key, KeyType::Number);
  if (!n) return std::nullopt;
  if (!n->is_number()) fail(key, "must be a number, got " + type_of(*n));
  return n->value<double>();
}

std::optional<bool> ConfigSection::boolean(const std::string& key) {
  auto* n = find(key, KeyType::Boolean);
  if (!n) return std::nullopt;
  if (!n->is_boolean()) fail(key, "must be true or false, got " + type_of(*n));
  return n->value<bool>();
}

std::optional<std::vector<double>> ConfigSection::numbers(const std::string& key) {
  auto* n = find(key, KeyType::Numbers);
  if (!n) return std::nullopt;
  auto* a = n->as_array();
  if (!a) fail(key, "must be a list of numbers, got " + type_of(*n));
  std::vector<double> out;
  for (auto& v : *a) {
    if (!v.is_number()) fail(key, "must be a list of numbers, but holds " + type_of(v));
    out.push_back(*v.value<double>());
  }
  return out;
}

std::optional<std::vector<std::string>> ConfigSection::strings(const std::string& key) {
  auto* n = find(key, KeyType::Strings);
  if (!n) return std::nullopt;
  if (n->is_string()) return std::vector<std::string>{*n->value<std::string>()};
  auto* a = n->as_array();
  if (!a) fail(key, "must be a list of strings, got " + type_of(*n));
  std::vector<std::string> out;
  for (auto& v : *a) {
    if (!v.is_string()) fail(key, "must be a list of strings, but holds " + type_of(v));
    out.push_back(*v.value<std::string>());
  }
  return out;
}

std::optional<ConfigSection> ConfigSection::section(const std::string& key, const KeyTable* keys) {
  auto* n = find(key, KeyType::Table);
  if (!n) return std::nullopt;
  if (!n->is_table()) fail(key, "must be a table ([" + key_path(key) + "]), got " + type_of(*n));
  return ConfigSection(n->as_table(), key_path(key), file_, keys);
}

std::optional<nlohmann::json> ConfigSection::json(const std::string& key) {
  auto* n = find(key, KeyType::Any);
  if (!n) return std::nullopt;
  return to_json(*n);
}

std::optional<std::string> ConfigSection::choice(const std::string& key,
                                                 const std::vector<std::string>& choices) {
  const ConfigKey* declared = keys_ ? keys_->find(key) : nullptr;
  if (declared && !declared->choices.empty() && declared->choices != choices)
    throw std::logic_error(
        fmt::format("config parser offers {} for '{}', but its key table "
                    "declares {}",
                    fmt::join(choices, ", "), key_path(key), fmt::join(declared->choices, ", ")));
  auto v = string(key);
  if (v && std::find(choices.begin(), choices.end(), *v) == choices.end())
    fail(key, fmt::format("is '{}'; choose one of {}{}", *v, fmt::join(choices, ", "),
                          did_you_mean(*v, choices)));
  return v;
}

std::optional<std::string> ConfigSection::choice(const std::string& key) {
  const ConfigKey* declared = keys_ ? keys_->find(key) : nullptr;
  if (!declared || declared->choices.empty())
    throw std::logic_error(
        fmt::format("config parser reads '{}' as a choice, but no key table declares its choices",
                    key_path(key)));
  return choice(key, declared->choices);
}

void ConfigSection::finish(const std::vector<std::string>& also_valid) const {
  if (!table_) return;
  std::vector<std::string> valid(read_.begin(), read_.end());
  valid.insert(valid.end(), also_valid.begin(), also_valid.end());
  const std::string where = path_.empty() ? "" : " in [" + path_ + "]";
  for (auto& [k, v] : *table_) {
    std::string key(k.str());
    if (std::find(valid.begin(), valid.end(), key) != valid.end()) continue;
    // A declared key nobody read belongs to other settings (x with source = "tu").
    if (keys_ && keys_->find(key))
      throw ConfigError(
          fmt::format("{}: '{}' has no effect with these settings; keys used{} are {}", file_,
                      key_path(key), where, fmt::join(valid, ", ")));
    std::vector<std::string> candidates = valid;
    if (keys_)
      for (const auto& name : keys_->names()) candidates.push_back(name);
    throw ConfigError(fmt::format("{}: unknown key '{}'{}; valid keys{} are {}", file_,
                                  key_path(key), did_you_mean(key, candidates), where,
                                  fmt::join(valid, ", ")));
  }
}

ConfigSection ConfigDocument::root(const KeyTable* keys) {
  return ConfigSection(table.get(), "", file, keys);
}

ConfigDocument parse_config_string(const std::string& text, const std::string& name) {
  try {
    return {std::make_shared<toml::table>(toml::parse(text, name)), name};
  } catch (const toml::parse_error& e) {
    const auto& s = e.source().begin;
    throw ConfigError(fmt::format("{}:{}:{}: {}", name, s.line, s.column, e.description()));
  }
}

ConfigDocument parse_config_file(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in)
    throw ConfigError(
        fmt::format("cannot open config '{}': {}", path.string(), std::strerror(errno)));
  std::stringstream ss;
  ss << in.rdbuf();
  return parse_config_string(ss.str(), path.string());
}

void apply_override(ConfigDocument& doc, const std::string& assignment) {
  auto eq = assignment.find('=');
  if (eq == std::string::npos || eq == 0)
    throw ConfigError("--set expects key.path=value, got '" + assignment + "'");
  std::string path = assignment.substr(0, eq), value = assignment.substr(eq + 1);
  toml::table parsed;
  try {
    parsed = toml::parse("v = " + value);
  } catch (const toml::parse_error&) {
    parsed = toml::table{{"v", value}};  // bare words are strings
  }
  try {
    set_config_value(doc, path, *parsed.get("v"), MissingSteps::create);
  } catch (const ConfigError& e) {
    throw ConfigError(fmt::format("--set {}: {}", assignment, e.what()));
  }
}

}  // namespace scidl::io
