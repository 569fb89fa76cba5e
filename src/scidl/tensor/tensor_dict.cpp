#include "scidl/tensor/tensor_dict.h"

#include <fmt/format.h>

#include <algorithm>

namespace scidl {

TensorDict::TensorDict(std::initializer_list<std::pair<std::string, Tensor>> items) {
  for (const auto& [name, t] : items) set(name, t);
}

void TensorDict::set(const std::string& name, Tensor t) {
  for (auto& [n, v] : items_)
    if (n == name) {
      v = std::move(t);
      return;
    }
  items_.emplace_back(name, std::move(t));
}

bool TensorDict::contains(const std::string& name) const {
  return std::any_of(items_.begin(), items_.end(), [&](const auto& i) { return i.first == name; });
}

const Tensor& TensorDict::get(const std::string& name) const {
  for (const auto& [n, v] : items_)
    if (n == name) return v;
  throw std::invalid_argument(
      fmt::format("no tensor named '{}' among the inputs [{}]", name, fmt::join(names(), ", ")));
}

std::vector<std::string> TensorDict::names() const {
  std::vector<std::string> out;
  for (const auto& [n, v] : items_) out.push_back(n);
  return out;
}

}  // namespace scidl
