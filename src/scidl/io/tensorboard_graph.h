// A model's graph for TensorBoard's GRAPHS tab: a GraphDef (tensorflow/core/framework/graph.proto)
// of one NodeDef per layer, as Keras writes a model's conceptual graph: the node's op is the
// layer's type, its inputs the nodes it reads, its "_output_shapes" attr a list of one
// TensorShapeProto (-1 for the batch dimension), other attrs strings. Encoded here and decoded
// back (for tests and tools); TensorBoardWriter::add_graph puts the bytes in Event.graph_def.
// Contract: node names are unique and every input names a node (not checked here: TensorBoard
// draws a dangling input as a node of its own); decode throws ProtobufError on malformed bytes.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace scidl::io {

struct GraphNode {
  std::string name;
  std::string op;                            // "Linear", "Conv2d", "ReLU", "Input", ...
  std::vector<std::string> inputs;           // names of the nodes it reads
  std::vector<std::int64_t> output_shape;    // -1: any size (the batch); empty: not known
  std::map<std::string, std::string> attrs;  // string attrs, e.g. "description"
};

std::string encode_graph_def(const std::vector<GraphNode>& nodes);
std::vector<GraphNode> decode_graph_def(std::string_view graph_def);

class ProtoReader;
// A TensorShapeProto's dimensions (a GraphDef's shapes, an event tensor's shape).
std::vector<std::int64_t> decode_tensor_shape(ProtoReader reader);

// Field numbers, checked against tensorboard/compat/proto/{graph,node_def,attr_value,
// tensor_shape}.proto (the copies of tensorflow/core/framework's).
namespace graph_proto {
inline constexpr std::uint32_t kGraphNode = 1;      // GraphDef: repeated NodeDef node
inline constexpr std::uint32_t kGraphVersions = 4;  // GraphDef: VersionDef versions
inline constexpr std::uint32_t kNodeName = 1;       // NodeDef: string name
inline constexpr std::uint32_t kNodeOp = 2;         // NodeDef: string op
inline constexpr std::uint32_t kNodeInput = 3;      // NodeDef: repeated string input
inline constexpr std::uint32_t kNodeDevice = 4;     // NodeDef: string device
inline constexpr std::uint32_t kNodeAttr = 5;       // NodeDef: map<string, AttrValue> attr
inline constexpr std::uint32_t kAttrList = 1;       // AttrValue: ListValue list (oneof value)
inline constexpr std::uint32_t kAttrString = 2;     // AttrValue: bytes s (oneof value)
inline constexpr std::uint32_t kListShape = 7;      // AttrValue.ListValue: repeated shape
inline constexpr std::string_view kOutputShapes = "_output_shapes";
}  // namespace graph_proto

}  // namespace scidl::io
