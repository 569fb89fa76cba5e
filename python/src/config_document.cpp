#include "config_document.h"

#include <toml++/toml.h>

namespace scidl::python {

namespace {

toml::table table_from(const nlohmann::json& j);

toml::array array_from(const nlohmann::json& j) {
  toml::array a;
  for (const auto& v : j) {
    if (v.is_object())
      a.push_back(table_from(v));
    else if (v.is_array())
      a.push_back(array_from(v));
    else if (v.is_boolean())
      a.push_back(v.get<bool>());
    else if (v.is_number_integer())
      a.push_back(v.get<int64_t>());
    else if (v.is_number())
      a.push_back(v.get<double>());
    else if (v.is_string())
      a.push_back(v.get<std::string>());
  }
  return a;
}

toml::table table_from(const nlohmann::json& j) {
  toml::table t;
  for (const auto& [key, v] : j.items()) {
    if (v.is_object())
      t.insert_or_assign(key, table_from(v));
    else if (v.is_array())
      t.insert_or_assign(key, array_from(v));
    else if (v.is_boolean())
      t.insert_or_assign(key, v.get<bool>());
    else if (v.is_number_integer())
      t.insert_or_assign(key, v.get<int64_t>());
    else if (v.is_number())
      t.insert_or_assign(key, v.get<double>());
    else if (v.is_string())
      t.insert_or_assign(key, v.get<std::string>());
  }
  return t;
}

}  // namespace

io::ConfigDocument config_document(const nlohmann::json& root, const std::string& name) {
  return io::ConfigDocument{std::make_shared<toml::table>(table_from(root)), name};
}

}  // namespace scidl::python
