#include "scidl/io/config_keys.h"

namespace scidl::io {

const char* key_type_name(KeyType type) {
  switch (type) {
    case KeyType::String:
      return "string";
    case KeyType::Integer:
      return "integer";
    case KeyType::Number:
      return "number";
    case KeyType::Boolean:
      return "boolean";
    case KeyType::Numbers:
      return "list of numbers";
    case KeyType::Strings:
      return "string or list of strings";
    case KeyType::Table:
      return "table";
    case KeyType::Any:
      return "see description";
  }
  return "?";
}

const ConfigKey* KeyTable::find(const std::string& name) const {
  for (const auto& k : keys)
    if (k.name == name) return &k;
  return nullptr;
}

std::vector<std::string> KeyTable::names() const {
  std::vector<std::string> out;
  for (const auto& k : keys) out.push_back(k.name);
  return out;
}

}  // namespace scidl::io
