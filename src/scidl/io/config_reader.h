// Reading TOML configs so that every mistake gets one clear message: a ConfigSection hands out
// values by key, remembers which keys were read, and finish() rejects any key nobody asked for,
// listing the valid ones and the likeliest meant. Messages name the file and the full key path
// ("training.epochs"). Given a KeyTable (io/config_keys.h), a section reads only the keys the
// table declares, with the declared type: reading another is a bug, thrown as std::logic_error.
#pragma once
#include <nlohmann/json.hpp>

#include <filesystem>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "scidl/io/config_keys.h"

namespace toml {
inline namespace v3 {
class table;
class node;
}  // namespace v3
}  // namespace toml

namespace scidl::io {

class ConfigError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

class ConfigSection {
 public:
  ConfigSection(const toml::table* table, std::string path, std::string file,
                const KeyTable* keys = nullptr);

  std::optional<std::string> string(const std::string& key);
  std::optional<int64_t> integer(const std::string& key);
  std::optional<double> number(const std::string& key);  // integers accepted
  std::optional<bool> boolean(const std::string& key);
  std::optional<std::vector<double>> numbers(const std::string& key);
  std::optional<std::vector<std::string>> strings(const std::string& key);
  // A sub-table, read through `keys` when given.
  std::optional<ConfigSection> section(const std::string& key, const KeyTable* keys = nullptr);
  // Any value as JSON (tables -> objects, arrays -> arrays), for specs like the model's layers.
  std::optional<nlohmann::json> json(const std::string& key);

  // A string that must be one of `choices` (the same as the KeyTable's, where it declares some).
  std::optional<std::string> choice(const std::string& key,
                                    const std::vector<std::string>& choices);
  // A string that must be one of the choices its KeyTable declares.
  std::optional<std::string> choice(const std::string& key);
  // Holds the rest of the reading to `keys`, the table of one type of a section with types
  // ([optimizer] type = "sgd"); keys already read must be declared there too.
  void use_keys(const KeyTable& keys);
  // Rejects keys that were never read, listing the valid ones (`also_valid` adds keys read
  // elsewhere) and the likeliest meant; a key the KeyTable declares is named as unused here.
  void finish(const std::vector<std::string>& also_valid = {}) const;
  [[noreturn]] void fail(const std::string& key, const std::string& message) const;
  // A required key that is absent: "'key' is missing: <what>", naming a key of this table that
  // looks like a misspelling of it ("modle" for "model"), the likeliest cause.
  [[noreturn]] void missing(const std::string& key, const std::string& what) const;
  std::string key_path(const std::string& key) const;
  const std::string& file() const { return file_; }

 private:
  const toml::node* find(const std::string& key, KeyType type);
  const toml::table* table_;
  std::string path_, file_;
  const KeyTable* keys_;
  std::set<std::string> read_;
};

// Parses a TOML file; syntax errors name file:line:column.
struct ConfigDocument {
  std::shared_ptr<toml::table> table;
  std::string file;
  ConfigSection root(const KeyTable* keys = nullptr);
};
ConfigDocument parse_config_file(const std::filesystem::path& path);
ConfigDocument parse_config_string(const std::string& text, const std::string& name);
// A TOML value as JSON: tables become objects, arrays arrays.
nlohmann::json toml_to_json(const toml::node& node);
// Applies `key.path=value` (value parsed as TOML, or taken as a string if it does not parse).
void apply_override(ConfigDocument& doc, const std::string& assignment);

}  // namespace scidl::io
