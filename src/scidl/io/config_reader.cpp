#include "scidl/io/config_reader.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <fstream>
#include <sstream>
#include <toml++/toml.h>

namespace scidl::io {

namespace {
std::string type_of(const toml::node& n) {
  switch (n.type()) {
    case toml::node_type::string: return "a string";
    case toml::node_type::integer: return "an integer";
    case toml::node_type::floating_point: return "a number";
    case toml::node_type::boolean: return "a boolean";
    case toml::node_type::array: return "a list";
    case toml::node_type::table: return "a table";
    default: return "a date/time";
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

ConfigSection::ConfigSection(const toml::table* table, std::string path, std::string file)
    : table_(table), path_(std::move(path)), file_(std::move(file)) {}

std::string ConfigSection::key_path(const std::string& key) const {
  return path_.empty() ? key : path_ + "." + key;
}

void ConfigSection::fail(const std::string& key, const std::string& message) const {
  throw ConfigError(fmt::format("{}: '{}' {}", file_, key_path(key), message));
}

namespace {

// Optimal-string-alignment distance (insert, delete, substitute, swap two neighbours),
// ignoring case: "modle" and "Model" are both 1 from "model".
size_t typo_distance(const std::string& a, const std::string& b) {
  auto lower = [](char c) {
    return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  };
  std::vector<std::vector<size_t>> d(a.size() + 1, std::vector<size_t>(b.size() + 1));
  for (size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (size_t i = 1; i <= a.size(); ++i)
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t cost = lower(a[i - 1]) == lower(b[j - 1]) ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && lower(a[i - 1]) == lower(b[j - 2]) &&
          lower(a[i - 2]) == lower(b[j - 1]))
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  return d[a.size()][b.size()];
}

}  // namespace

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

const toml::node* ConfigSection::find(const std::string& key) {
  read_.insert(key);
  return table_ ? table_->get(key) : nullptr;
}

std::optional<std::string> ConfigSection::string(const std::string& key) {
  auto* n = find(key);
  if (!n) return std::nullopt;
  if (!n->is_string()) fail(key, "must be a string, got " + type_of(*n));
  return n->value<std::string>();
}

std::optional<int64_t> ConfigSection::integer(const std::string& key) {
  auto* n = find(key);
  if (!n) return std::nullopt;
  if (!n->is_integer()) fail(key, "must be an integer, got " + type_of(*n));
  return n->value<int64_t>();
}

std::optional<double> ConfigSection::number(const std::string& key) {
  auto* n = find(key);
  if (!n) return std::nullopt;
  if (!n->is_number()) fail(key, "must be a number, got " + type_of(*n));
  return n->value<double>();
}

std::optional<bool> ConfigSection::boolean(const std::string& key) {
  auto* n = find(key);
  if (!n) return std::nullopt;
  if (!n->is_boolean()) fail(key, "must be true or false, got " + type_of(*n));
  return n->value<bool>();
}

std::optional<std::vector<double>> ConfigSection::numbers(const std::string& key) {
  auto* n = find(key);
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
  auto* n = find(key);
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

std::optional<ConfigSection> ConfigSection::section(const std::string& key) {
  auto* n = find(key);
  if (!n) return std::nullopt;
  if (!n->is_table()) fail(key, "must be a table ([" + key_path(key) + "]), got " + type_of(*n));
  return ConfigSection(n->as_table(), key_path(key), file_);
}

std::optional<nlohmann::json> ConfigSection::json(const std::string& key) {
  auto* n = find(key);
  if (!n) return std::nullopt;
  return to_json(*n);
}

std::optional<std::string> ConfigSection::choice(const std::string& key,
                                                 const std::vector<std::string>& choices) {
  auto v = string(key);
  if (v && std::find(choices.begin(), choices.end(), *v) == choices.end())
    fail(key, fmt::format("is '{}'; choose one of {}", *v, fmt::join(choices, ", ")));
  return v;
}

void ConfigSection::finish(const std::vector<std::string>& also_valid) const {
  if (!table_) return;
  for (auto& [k, v] : *table_) {
    std::string key(k.str());
    if (read_.count(key) ||
        std::find(also_valid.begin(), also_valid.end(), key) != also_valid.end())
      continue;
    std::vector<std::string> valid(read_.begin(), read_.end());
    valid.insert(valid.end(), also_valid.begin(), also_valid.end());
    throw ConfigError(fmt::format("{}: unknown key '{}'{}; valid keys{} are {}", file_,
                                  key_path(key), "", path_.empty() ? "" : " in [" + path_ + "]",
                                  fmt::join(valid, ", ")));
  }
}

ConfigSection ConfigDocument::root() { return ConfigSection(table.get(), "", file); }

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
  toml::table* t = doc.table.get();
  std::stringstream ss(path);
  std::string part, last;
  std::vector<std::string> parts;
  while (std::getline(ss, part, '.')) parts.push_back(part);
  for (size_t i = 0; i + 1 < parts.size(); ++i) {
    auto* n = t->get(parts[i]);
    if (!n) {
      t->insert(parts[i], toml::table{});
      n = t->get(parts[i]);
    }
    if (!n->is_table())
      throw ConfigError(fmt::format("--set {}: '{}' is not a table", assignment, parts[i]));
    t = n->as_table();
  }
  t->insert_or_assign(parts.back(), *parsed.get("v"));
}

}  // namespace scidl::io
