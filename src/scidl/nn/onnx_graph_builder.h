// The ONNX graph being built from a model (internal to nn/: nn/onnx_export.h is the interface):
// unique value names, initializers made from tensors, nodes appended in the order they run.
// A Value pairs an ONNX value's name with what scidl computes for it on one example, so each
// layer's translation sees the shapes it works on.
#pragma once
#include <set>
#include <string>
#include <vector>

#include "scidl/io/onnx_proto.h"
#include "scidl/tensor/tensor.h"

namespace scidl::nn::onnx_export {

struct Value {
  std::string name;
  Tensor example;  // scidl's value for a batch of one: its shape and dtype
};

// Thrown for a model or layer ONNX cannot express; the message names the layer and its type.
struct UnsupportedLayer : std::invalid_argument {
  using std::invalid_argument::invalid_argument;
};

// ONNX's element type of a scidl dtype.
io::onnx::ElementType element_type_of(DType dtype);

class GraphBuilder {
 public:
  GraphBuilder(int64_t opset, DType dtype) : opset_(opset), dtype_(dtype) {}

  int64_t opset() const { return opset_; }
  DType dtype() const { return dtype_; }
  io::onnx::ElementType element_type() const;

  // A fresh value name from `hint` ("0.linear", "h1"): the hint itself, or with a suffix.
  std::string fresh(const std::string& hint);
  // Claims `name` exactly (a graph input); throws if taken.
  void claim(const std::string& name);

  // An initializer holding `t` (float32, float64 or int64), named from `hint`; returns its name.
  std::string constant(const std::string& hint, const Tensor& t);
  std::string constant_ints(const std::string& hint, const std::vector<int64_t>& values);
  // A scalar of the model's element type, for decompositions (0.5 in GELU's).
  std::string scalar(const std::string& hint, double value);

  // Appends a node with one output named from `hint`; returns the output's name.
  std::string node(const std::string& op, std::vector<std::string> inputs, const std::string& hint,
                   std::vector<io::onnx::Attribute> attributes = {});
  // A node with several outputs, named from `hints`.
  std::vector<std::string> node_outputs(const std::string& op, std::vector<std::string> inputs,
                                        const std::vector<std::string>& hints,
                                        std::vector<io::onnx::Attribute> attributes = {});

  // Renames a value everywhere it is read or written (the graph's output gets a plain name);
  // `to` comes from fresh().
  void rename(const std::string& from, const std::string& to);

  std::vector<io::onnx::Node>& nodes() { return nodes_; }
  std::vector<io::onnx::TensorData>& initializers() { return initializers_; }

 private:
  int64_t opset_;
  DType dtype_;
  std::set<std::string> taken_;
  std::vector<io::onnx::Node> nodes_;
  std::vector<io::onnx::TensorData> initializers_;
};

}  // namespace scidl::nn::onnx_export
