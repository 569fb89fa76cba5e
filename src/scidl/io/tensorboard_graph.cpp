#include "scidl/io/tensorboard_graph.h"

#include "scidl/io/protobuf_writer.h"
#include "scidl/io/tensorboard_writer.h"

namespace scidl::io {

namespace gp = graph_proto;
namespace pb = tensorboard_proto;

namespace {

ProtoWriter attr_entry(std::string_view key, const ProtoWriter& value) {
  ProtoWriter entry;
  entry.add_bytes(pb::kMapKey, key);
  entry.add_message(pb::kMapValue, value);
  return entry;
}

ProtoWriter shape_proto(const std::vector<std::int64_t>& shape) {
  ProtoWriter out;
  for (std::int64_t size : shape) {
    ProtoWriter dim;
    dim.add_int64(pb::kDimSize, size);
    out.add_message(pb::kShapeDim, dim);
  }
  return out;
}

// One attr map entry into `node`: strings by key, the first shape of "_output_shapes".
void decode_attr(ProtoReader entry, GraphNode& node) {
  std::string key;
  ProtoField f, v;
  std::string_view value;
  while (entry.next(f)) {
    f.require(WireType::length_delimited);
    if (f.number == pb::kMapKey) key = std::string(f.bytes);
    if (f.number == pb::kMapValue) {
      ProtoReader attr = ProtoReader::nested(f);
      while (attr.next(v)) {
        if (v.number == gp::kAttrString) {
          v.require(WireType::length_delimited);
          value = v.bytes;
        }
        if (v.number != gp::kAttrList) continue;
        ProtoReader list = ProtoReader::nested(v);
        ProtoField item;
        while (list.next(item))
          if (item.number == gp::kListShape && node.output_shape.empty())
            node.output_shape = decode_tensor_shape(ProtoReader::nested(item));
      }
    }
  }
  if (key != gp::kOutputShapes) node.attrs[key] = std::string(value);
}

}  // namespace

std::vector<std::int64_t> decode_tensor_shape(ProtoReader reader) {
  std::vector<std::int64_t> shape;
  ProtoField f;
  while (reader.next(f)) {
    if (f.number != pb::kShapeDim) continue;
    f.require(WireType::length_delimited);
    std::int64_t size = 0;  // proto3 omits a zero size
    ProtoReader dim = ProtoReader::nested(f);
    ProtoField d;
    while (dim.next(d))
      if (d.number == pb::kDimSize) {
        d.require(WireType::varint);
        size = d.as_int64();
      }
    shape.push_back(size);
  }
  return shape;
}

std::string encode_graph_def(const std::vector<GraphNode>& nodes) {
  ProtoWriter graph;
  for (const GraphNode& n : nodes) {
    ProtoWriter node;
    node.add_bytes(gp::kNodeName, n.name);
    node.add_bytes(gp::kNodeOp, n.op);
    for (const auto& input : n.inputs) node.add_bytes(gp::kNodeInput, input);
    for (const auto& [key, text] : n.attrs) {
      ProtoWriter value;
      value.add_bytes(gp::kAttrString, text);
      node.add_message(gp::kNodeAttr, attr_entry(key, value));
    }
    if (!n.output_shape.empty()) {
      ProtoWriter list;
      list.add_message(gp::kListShape, shape_proto(n.output_shape));
      ProtoWriter value;
      value.add_message(gp::kAttrList, list);
      node.add_message(gp::kNodeAttr, attr_entry(gp::kOutputShapes, value));
    }
    graph.add_message(gp::kGraphNode, node);
  }
  graph.add_message(gp::kGraphVersions, ProtoWriter{});  // no TensorFlow producer to name
  return graph.release();
}

std::vector<GraphNode> decode_graph_def(std::string_view graph_def) {
  std::vector<GraphNode> nodes;
  ProtoReader reader(graph_def);
  ProtoField f;
  while (reader.next(f)) {
    if (f.number != gp::kGraphNode) continue;
    f.require(WireType::length_delimited);
    GraphNode node;
    ProtoReader fields = ProtoReader::nested(f);
    ProtoField n;
    while (fields.next(n)) {
      switch (n.number) {
        case gp::kNodeName:
          node.name = std::string(n.bytes);
          break;
        case gp::kNodeOp:
          node.op = std::string(n.bytes);
          break;
        case gp::kNodeInput:
          node.inputs.emplace_back(n.bytes);
          break;
        case gp::kNodeAttr:
          decode_attr(ProtoReader::nested(n), node);
          break;
        default:
          break;
      }
    }
    nodes.push_back(std::move(node));
  }
  return nodes;
}

}  // namespace scidl::io
