// ONNX messages in wire format. onnx.proto is proto2, whose repeated numbers (dims, ints) are not
// packed: they are written one tag per value here too, so the bytes match what the onnx Python
// package writes for the same message (tests/io/test_onnx_proto.cpp compares them).
#include "scidl/io/onnx_proto.h"

#include "scidl/io/protobuf_writer.h"

namespace scidl::io::onnx {

namespace {

// Field numbers of onnx.proto (ONNX 1.12), one namespace per message.
namespace model_field {
constexpr std::uint32_t ir_version = 1, producer_name = 2, producer_version = 3, doc_string = 6,
                        graph = 7, opset_import = 8;
}
namespace opset_field {
constexpr std::uint32_t domain = 1, version = 2;
}
namespace graph_field {
constexpr std::uint32_t node = 1, name = 2, initializer = 5, input = 11, output = 12;
}
namespace node_field {
constexpr std::uint32_t input = 1, output = 2, name = 3, op_type = 4, attribute = 5;
}
namespace attribute_field {
constexpr std::uint32_t name = 1, f = 2, i = 3, s = 4, t = 5, floats = 7, ints = 8, type = 20;
}
namespace tensor_field {
constexpr std::uint32_t dims = 1, data_type = 2, name = 8, raw_data = 9;
}
namespace value_info_field {
constexpr std::uint32_t name = 1, type = 2;
}
// TypeProto.tensor_type = 1; TypeProto.Tensor: elem_type = 1, shape = 2;
// TensorShapeProto.dim = 1; TensorShapeProto.Dimension: dim_value = 1, dim_param = 2.
namespace type_field {
constexpr std::uint32_t tensor_type = 1, elem_type = 1, shape = 2, dim = 1, dim_value = 1,
                        dim_param = 2;
}

// AttributeProto.AttributeType.
std::int64_t attribute_type(Attribute::Kind kind) {
  switch (kind) {
    case Attribute::Kind::Float:
      return 1;
    case Attribute::Kind::Int:
      return 2;
    case Attribute::Kind::String:
      return 3;
    case Attribute::Kind::Tensor:
      return 4;
    case Attribute::Kind::Floats:
      return 6;
    case Attribute::Kind::Ints:
      return 7;
  }
  return 0;
}

}  // namespace

Attribute Attribute::of_float(std::string name, float value) {
  Attribute a;
  a.name = std::move(name);
  a.kind = Kind::Float;
  a.f = value;
  return a;
}
Attribute Attribute::of_int(std::string name, std::int64_t value) {
  Attribute a;
  a.name = std::move(name);
  a.kind = Kind::Int;
  a.i = value;
  return a;
}
Attribute Attribute::of_string(std::string name, std::string value) {
  Attribute a;
  a.name = std::move(name);
  a.kind = Kind::String;
  a.s = std::move(value);
  return a;
}
Attribute Attribute::of_tensor(std::string name, TensorData value) {
  Attribute a;
  a.name = std::move(name);
  a.kind = Kind::Tensor;
  a.t = std::move(value);
  return a;
}
Attribute Attribute::of_ints(std::string name, std::vector<std::int64_t> values) {
  Attribute a;
  a.name = std::move(name);
  a.kind = Kind::Ints;
  a.ints = std::move(values);
  return a;
}

std::string encode_tensor(const TensorData& tensor) {
  ProtoWriter w;
  for (std::int64_t d : tensor.dims) w.add_int64(tensor_field::dims, d);
  w.add_int64(tensor_field::data_type, static_cast<std::int64_t>(tensor.type));
  if (!tensor.name.empty()) w.add_bytes(tensor_field::name, tensor.name);
  w.add_bytes(tensor_field::raw_data, tensor.raw_data);
  return w.release();
}

std::string encode_attribute(const Attribute& a) {
  ProtoWriter w;
  w.add_bytes(attribute_field::name, a.name);
  switch (a.kind) {
    case Attribute::Kind::Float:
      w.add_float(attribute_field::f, a.f);
      break;
    case Attribute::Kind::Int:
      w.add_int64(attribute_field::i, a.i);
      break;
    case Attribute::Kind::String:
      w.add_bytes(attribute_field::s, a.s);
      break;
    case Attribute::Kind::Tensor:
      w.add_bytes(attribute_field::t, encode_tensor(a.t));
      break;
    case Attribute::Kind::Floats:
      for (float f : a.floats) w.add_float(attribute_field::floats, f);
      break;
    case Attribute::Kind::Ints:
      for (std::int64_t i : a.ints) w.add_int64(attribute_field::ints, i);
      break;
  }
  w.add_int64(attribute_field::type, attribute_type(a.kind));
  return w.release();
}

std::string encode_node(const Node& node) {
  ProtoWriter w;
  for (const auto& in : node.inputs) w.add_bytes(node_field::input, in);
  for (const auto& out : node.outputs) w.add_bytes(node_field::output, out);
  if (!node.name.empty()) w.add_bytes(node_field::name, node.name);
  w.add_bytes(node_field::op_type, node.op_type);
  for (const auto& a : node.attributes) w.add_bytes(node_field::attribute, encode_attribute(a));
  return w.release();
}

std::string encode_value_info(const ValueInfo& value) {
  ProtoWriter shape;
  for (const Dimension& d : value.shape) {
    ProtoWriter dim;
    if (const auto* size = std::get_if<std::int64_t>(&d))
      dim.add_int64(type_field::dim_value, *size);
    else
      dim.add_bytes(type_field::dim_param, std::get<std::string>(d));
    shape.add_message(type_field::dim, dim);
  }
  ProtoWriter tensor_type;
  tensor_type.add_int64(type_field::elem_type, static_cast<std::int64_t>(value.type));
  tensor_type.add_message(type_field::shape, shape);
  ProtoWriter type;
  type.add_message(type_field::tensor_type, tensor_type);
  ProtoWriter w;
  w.add_bytes(value_info_field::name, value.name);
  w.add_message(value_info_field::type, type);
  return w.release();
}

std::string encode_graph(const Graph& graph) {
  ProtoWriter w;
  for (const auto& node : graph.nodes) w.add_bytes(graph_field::node, encode_node(node));
  w.add_bytes(graph_field::name, graph.name);
  for (const auto& t : graph.initializers) w.add_bytes(graph_field::initializer, encode_tensor(t));
  for (const auto& v : graph.inputs) w.add_bytes(graph_field::input, encode_value_info(v));
  for (const auto& v : graph.outputs) w.add_bytes(graph_field::output, encode_value_info(v));
  return w.release();
}

std::string encode_model(const Model& model) {
  ProtoWriter w;
  w.add_int64(model_field::ir_version, model.ir_version);
  if (!model.producer_name.empty()) w.add_bytes(model_field::producer_name, model.producer_name);
  if (!model.producer_version.empty())
    w.add_bytes(model_field::producer_version, model.producer_version);
  if (!model.doc_string.empty()) w.add_bytes(model_field::doc_string, model.doc_string);
  w.add_bytes(model_field::graph, encode_graph(model.graph));
  ProtoWriter opset;
  opset.add_bytes(opset_field::domain, "");
  opset.add_int64(opset_field::version, model.opset_version);
  w.add_message(model_field::opset_import, opset);
  return w.release();
}

}  // namespace scidl::io::onnx
