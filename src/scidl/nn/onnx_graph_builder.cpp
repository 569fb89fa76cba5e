#include "scidl/nn/onnx_graph_builder.h"

#include <fmt/format.h>

#include <cstring>

namespace scidl::nn::onnx_export {

io::onnx::ElementType element_type_of(DType dtype) {
  switch (dtype) {
    case DType::Float32:
      return io::onnx::ElementType::Float;
    case DType::Float64:
      return io::onnx::ElementType::Double;
    case DType::Int64:
      return io::onnx::ElementType::Int64;
  }
  throw std::logic_error("ONNX export: an unknown dtype");
}

namespace {

// Row-major little-endian bytes (this library runs on little-endian machines only).
std::string raw_bytes(const Tensor& t) {
  const Tensor c = t.contiguous();
  const size_t bytes = size_t(c.numel()) * dtype_size(c.dtype());
  std::string out(bytes, '\0');
  if (bytes) std::memcpy(out.data(), c.raw_data(), bytes);
  return out;
}

}  // namespace

io::onnx::ElementType GraphBuilder::element_type() const { return element_type_of(dtype_); }

std::string GraphBuilder::fresh(const std::string& hint) {
  const std::string base = hint.empty() ? "value" : hint;
  std::string name = base;
  for (int k = 1; taken_.count(name); ++k) name = fmt::format("{}_{}", base, k);
  taken_.insert(name);
  return name;
}

void GraphBuilder::claim(const std::string& name) {
  if (taken_.count(name)) throw std::logic_error("ONNX export: name '" + name + "' claimed twice");
  taken_.insert(name);
}

std::string GraphBuilder::constant(const std::string& hint, const Tensor& t) {
  io::onnx::TensorData data;
  data.name = fresh(hint);
  data.type = element_type_of(t.dtype());
  data.dims.assign(t.shape().begin(), t.shape().end());
  data.raw_data = raw_bytes(t);
  initializers_.push_back(std::move(data));
  return initializers_.back().name;
}

std::string GraphBuilder::constant_ints(const std::string& hint,
                                        const std::vector<int64_t>& values) {
  return constant(hint, from_vector(values, {int64_t(values.size())}));
}

std::string GraphBuilder::scalar(const std::string& hint, double value) {
  return constant(hint, full({}, value, dtype_));
}

std::string GraphBuilder::node(const std::string& op, std::vector<std::string> inputs,
                               const std::string& hint,
                               std::vector<io::onnx::Attribute> attributes) {
  return node_outputs(op, std::move(inputs), {hint}, std::move(attributes)).front();
}

std::vector<std::string> GraphBuilder::node_outputs(const std::string& op,
                                                    std::vector<std::string> inputs,
                                                    const std::vector<std::string>& hints,
                                                    std::vector<io::onnx::Attribute> attributes) {
  io::onnx::Node n;
  n.op_type = op;
  n.inputs = std::move(inputs);
  for (const auto& h : hints) n.outputs.push_back(fresh(h));
  n.name = n.outputs.front();
  n.attributes = std::move(attributes);
  nodes_.push_back(std::move(n));
  return nodes_.back().outputs;
}

void GraphBuilder::rename(const std::string& from, const std::string& to) {
  for (auto& n : nodes_) {
    for (auto& in : n.inputs)
      if (in == from) in = to;
    for (auto& out : n.outputs)
      if (out == from) out = to;
  }
}

}  // namespace scidl::nn::onnx_export
