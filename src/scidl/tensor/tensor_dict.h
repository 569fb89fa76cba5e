// A set of named tensors: a batch ("x", "y", a second input "c", and for graphs "edge_index",
// "batch"), or a model's inputs. Names keep the order they were set in.
#pragma once
#include <string>
#include <utility>
#include <vector>

#include "scidl/tensor/tensor.h"

namespace scidl {

class TensorDict {
 public:
  TensorDict() = default;
  TensorDict(std::initializer_list<std::pair<std::string, Tensor>> items);
  void set(const std::string& name, Tensor t);  // replaces an entry of the same name
  bool contains(const std::string& name) const;
  // Throws, naming the missing name and those present, when there is no such entry.
  const Tensor& get(const std::string& name) const;
  std::vector<std::string> names() const;
  size_t size() const { return items_.size(); }
  bool empty() const { return items_.empty(); }
  auto begin() const { return items_.begin(); }
  auto end() const { return items_.end(); }

 private:
  std::vector<std::pair<std::string, Tensor>> items_;
};

}  // namespace scidl
