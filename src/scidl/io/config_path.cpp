#include "scidl/io/config_path.h"

#include <fmt/format.h>
#include <toml++/toml.h>

#include <cctype>

#include "scidl/io/nearest_name.h"

namespace scidl::io {

namespace {

[[noreturn]] void bad_path(const std::string& path, const std::string& why) {
  throw ConfigError(fmt::format("key path '{}': {}", path, why));
}

std::vector<std::string> keys_of(const toml::table& t) {
  std::vector<std::string> keys;
  for (const auto& [k, v] : t) keys.emplace_back(k.str());
  return keys;
}

std::string prefix_of(const std::vector<KeyPathStep>& steps, size_t n) {
  std::string out;
  for (size_t i = 0; i < n; ++i) {
    if (i) out += '.';
    out += steps[i].key;
    for (int64_t k : steps[i].indices) out += fmt::format("[{}]", k);
  }
  return out;
}

// TOML nodes are abstract: a JSON value is built in place, at the end of an array or in a
// table under a key.
void put_json(const nlohmann::json& j, const std::string& path, toml::array* array,
              toml::table* table, const std::string& key) {
  const auto put = [&](auto&& node) {
    if (array)
      array->push_back(std::move(node));
    else
      table->insert_or_assign(key, std::move(node));
  };
  switch (j.type()) {
    case nlohmann::json::value_t::boolean:
      return put(toml::value<bool>(j.get<bool>()));
    case nlohmann::json::value_t::number_integer:
    case nlohmann::json::value_t::number_unsigned:
      return put(toml::value<int64_t>(j.get<int64_t>()));
    case nlohmann::json::value_t::number_float:
      return put(toml::value<double>(j.get<double>()));
    case nlohmann::json::value_t::string:
      return put(toml::value<std::string>(j.get<std::string>()));
    case nlohmann::json::value_t::array: {
      toml::array a;
      for (const auto& e : j) put_json(e, path, &a, nullptr, "");
      return put(std::move(a));
    }
    case nlohmann::json::value_t::object: {
      toml::table t;
      for (const auto& [k, v] : j.items()) put_json(v, path, nullptr, &t, k);
      return put(std::move(t));
    }
    default:
      bad_path(path, "a null value cannot be written to a TOML config");
  }
}

}  // namespace

std::vector<KeyPathStep> parse_key_path(const std::string& path) {
  std::vector<KeyPathStep> steps;
  size_t i = 0;
  while (true) {
    KeyPathStep step;
    while (i < path.size() && path[i] != '.' && path[i] != '[') step.key += path[i++];
    if (step.key.empty()) bad_path(path, "an empty key (write e.g. model.layers[1].units)");
    while (i < path.size() && path[i] == '[') {
      const size_t close = path.find(']', i);
      if (close == std::string::npos) bad_path(path, "a '[' without its ']'");
      const std::string digits = path.substr(i + 1, close - i - 1);
      if (digits.empty() || digits.size() > 9 ||
          digits.find_first_not_of("0123456789") != std::string::npos)
        bad_path(path, fmt::format("'[{}]' is not a list index (0, 1, 2, ...)", digits));
      step.indices.push_back(std::stoll(digits));
      i = close + 1;
    }
    steps.push_back(std::move(step));
    if (i == path.size()) return steps;
    if (path[i] != '.') bad_path(path, fmt::format("unexpected '{}' after ']'", path[i]));
    ++i;
  }
}

void set_config_value(ConfigDocument& doc, const std::string& path, const toml::node& value,
                      MissingSteps missing) {
  const auto steps = parse_key_path(path);
  toml::node* here = doc.table.get();
  for (size_t s = 0; s < steps.size(); ++s) {
    const auto& step = steps[s];
    const bool last_step = s + 1 == steps.size();
    auto* table = here->as_table();
    if (!table) bad_path(path, fmt::format("'{}' is not a table", prefix_of(steps, s)));
    if (last_step && step.indices.empty()) {
      table->insert_or_assign(step.key, value);
      return;
    }
    toml::node* next = table->get(step.key);
    if (!next) {
      if (missing == MissingSteps::refuse || !step.indices.empty()) {
        const auto keys = keys_of(*table);
        const std::string where =
            s == 0 ? std::string("the config") : fmt::format("'{}'", prefix_of(steps, s));
        bad_path(path,
                 fmt::format("{} has no key '{}'{} (its keys: {})", where, step.key,
                             did_you_mean(step.key, keys),
                             keys.empty() ? "none" : fmt::format("{}", fmt::join(keys, ", "))));
      }
      table->insert(step.key, toml::table{});
      next = table->get(step.key);
    }
    for (size_t k = 0; k < step.indices.size(); ++k) {
      auto* array = next->as_array();
      const std::string at = s ? fmt::format("{}.{}", prefix_of(steps, s), step.key) : step.key;
      if (!array) bad_path(path, fmt::format("'{}' is not a list", at));
      const int64_t index = step.indices[k];
      if (index >= static_cast<int64_t>(array->size()))
        bad_path(path, fmt::format("'{}' has {} entries, so [{}] does not exist (indices start "
                                   "at 0)",
                                   at, array->size(), index));
      if (last_step && k + 1 == step.indices.size()) {
        array->replace(array->begin() + index, value);
        return;
      }
      next = array->get(static_cast<size_t>(index));
    }
    here = next;
  }
}

void set_config_value(ConfigDocument& doc, const std::string& path, const nlohmann::json& value,
                      MissingSteps missing) {
  toml::table holder;
  put_json(value, path, nullptr, &holder, "v");
  set_config_value(doc, path, *holder.get("v"), missing);
}

bool config_value_exists(const ConfigDocument& doc, const std::string& path) {
  const toml::node* here = doc.table.get();
  for (const auto& step : parse_key_path(path)) {
    const auto* table = here ? here->as_table() : nullptr;
    if (!table) return false;
    here = table->get(step.key);
    for (int64_t index : step.indices) {
      const auto* array = here ? here->as_array() : nullptr;
      if (!array || index >= static_cast<int64_t>(array->size())) return false;
      here = array->get(static_cast<size_t>(index));
    }
    if (!here) return false;
  }
  return true;
}

}  // namespace scidl::io
