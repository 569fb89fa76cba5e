// The declaration of a config section's keys: what a parser may read, of which type, with its
// default, a one-line description and, for strings, the allowed values. A ConfigSection given a
// KeyTable refuses to read a key the table does not declare (a programming error,
// std::logic_error), and the reference (docs/config.md, `scidl train --help-config`) is printed
// from the same tables.
#pragma once
#include <string>
#include <vector>

namespace scidl::io {

enum class KeyType {
  String,   // "text"
  Integer,  // 3
  Number,   // 0.5 (integers accepted)
  Boolean,  // true / false
  Numbers,  // [0.9, 0.999]
  Strings,  // "a" or ["a", "b"]
  Table,    // [section] or { inline = table }
  Any,      // several forms, read as JSON (a layer list, "epoch" or a step count)
};

const char* key_type_name(KeyType type);

struct ConfigKey {
  std::string name;
  KeyType type;
  std::string default_value;  // as written in a config; "" when required or unset by default
  std::string doc;            // one line
  std::vector<std::string> choices = {};  // a String's allowed values; empty: any
};

struct KeyTable {
  std::string section;  // "data", "optimizer", "callbacks"; "" for the file's top level
  std::string variant;  // for a section with types: the type this table is for ("sgd")
  std::string doc;      // what the section is for, one line
  std::vector<ConfigKey> keys;

  const ConfigKey* find(const std::string& name) const;
  std::vector<std::string> names() const;
};

}  // namespace scidl::io
