// The few ONNX messages a model needs (ModelProto, GraphProto, NodeProto, AttributeProto,
// TensorProto, ValueInfoProto/TypeProto, OperatorSetIdProto) as plain structs, and their encoding
// in protocol-buffer wire format (io/protobuf_writer.h), so scidl writes .onnx files without the
// protobuf or onnx libraries. The field numbers are onnx.proto3's (github.com/onnx/onnx,
// onnx/onnx.proto3 of ONNX 1.12, the same in onnx.proto; Debian's python3-onnx ships it as
// /usr/lib/python3/dist-packages/onnx/onnx.proto).
// Contract: encode_model writes every field it is given, in field-number order per message, so
// the bytes are reproducible; it checks nothing about the graph (onnx.checker does that).
#pragma once
#include <cstdint>
#include <string>
#include <variant>
#include <vector>

namespace scidl::io::onnx {

// TensorProto.DataType: the element types scidl's models hold.
enum class ElementType : std::int32_t { Float = 1, Int64 = 7, Double = 11 };

// A constant tensor (an initializer, a Constant node's value): little-endian raw_data.
struct TensorData {
  std::string name;
  ElementType type = ElementType::Float;
  std::vector<std::int64_t> dims;
  std::string raw_data;  // numel * element size bytes, row-major, little-endian
};

// One attribute of a node; which member is used follows `kind`.
struct Attribute {
  enum class Kind { Float, Int, String, Tensor, Floats, Ints };
  std::string name;
  Kind kind = Kind::Int;
  float f = 0;
  std::int64_t i = 0;
  std::string s;
  TensorData t;
  std::vector<float> floats;
  std::vector<std::int64_t> ints;

  static Attribute of_float(std::string name, float value);
  static Attribute of_int(std::string name, std::int64_t value);
  static Attribute of_string(std::string name, std::string value);
  static Attribute of_tensor(std::string name, TensorData value);
  static Attribute of_ints(std::string name, std::vector<std::int64_t> values);
};

struct Node {
  std::string op_type;
  std::string name;
  std::vector<std::string> inputs;  // "" stands for an optional input left out
  std::vector<std::string> outputs;
  std::vector<Attribute> attributes;
};

// A dimension of a graph input's or output's shape: a size, or a name (a dynamic batch).
using Dimension = std::variant<std::int64_t, std::string>;

struct ValueInfo {
  std::string name;
  ElementType type = ElementType::Float;
  std::vector<Dimension> shape;
};

struct Graph {
  std::string name;
  std::vector<Node> nodes;  // in an order where each follows the nodes it reads
  std::vector<TensorData> initializers;
  std::vector<ValueInfo> inputs, outputs;
};

struct Model {
  std::int64_t ir_version = 8;
  std::int64_t opset_version = 17;  // of the default domain ""
  std::string producer_name, producer_version, doc_string;
  Graph graph;
};

// Each message's bytes, as a parser of onnx.proto reads them.
std::string encode_tensor(const TensorData& tensor);
std::string encode_attribute(const Attribute& attribute);
std::string encode_node(const Node& node);
std::string encode_value_info(const ValueInfo& value);
std::string encode_graph(const Graph& graph);
std::string encode_model(const Model& model);

}  // namespace scidl::io::onnx
