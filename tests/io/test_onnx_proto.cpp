// The ONNX encoder writes the same bytes as the onnx Python package for the same messages. The
// expected hex strings are tools/make_onnx_proto_bytes.py's output (Debian's python3-onnx 1.12).
#include <gtest/gtest.h>

#include <bit>
#include <cstring>

#include "scidl/io/onnx_proto.h"

namespace scidl::io::onnx {
namespace {

std::string hex(const std::string& bytes) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out.push_back(digits[c >> 4]);
    out.push_back(digits[c & 15]);
  }
  return out;
}

std::string raw_floats(std::initializer_list<float> values) {
  std::string out;
  for (float v : values) {
    const auto bits = std::bit_cast<std::uint32_t>(v);
    for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((bits >> (8 * i)) & 0xFF));
  }
  return out;
}

TensorData weights() {
  return {"w", ElementType::Float, {2, 3}, raw_floats({1, 2, 3, -1, 0.5, 0})};
}
TensorData bias() { return {"b", ElementType::Float, {2}, raw_floats({0.5, -2})}; }
Node gemm() { return {"Gemm", "dense0", {"x", "w", "b"}, {"y"}, {Attribute::of_int("transB", 1)}}; }
ValueInfo batch_of(const std::string& name, std::int64_t width) {
  return {name, ElementType::Float, {std::string("N"), width}};
}

TEST(OnnxProto, TensorMatchesOnnxPackageBytes) {
  EXPECT_EQ(hex(encode_tensor(weights())),
            "0802080310014201774a180000803f0000004000004040000080bf0000003f00000000");
}

TEST(OnnxProto, AttributesMatchOnnxPackageBytes) {
  EXPECT_EQ(hex(encode_attribute(Attribute::of_int("axis", -1))),
            "0a046178697318ffffffffffffffffff01a00102");
  EXPECT_EQ(hex(encode_attribute(Attribute::of_float("alpha", 0.25F))),
            "0a05616c706861150000803ea00101");
  EXPECT_EQ(hex(encode_attribute(Attribute::of_ints("pads", {1, 0, 300, 2}))),
            "0a04706164734001400040ac024002a00107");
  EXPECT_EQ(hex(encode_attribute(Attribute::of_string("direction", "forward"))),
            "0a09646972656374696f6e2207666f7277617264a00103");
}

TEST(OnnxProto, NodesMatchOnnxPackageBytesWithAnOptionalInputLeftOut) {
  EXPECT_EQ(hex(encode_node(gemm())),
            "0a01780a01770a01621201791a0664656e736530220447656d6d2a0d0a067472616e73421801a00102");
  const Node lstm{"LSTM", "", {"x", "w", "r", ""}, {"y"}, {Attribute::of_int("hidden_size", 4)}};
  EXPECT_EQ(hex(encode_node(lstm)),
            "0a01780a01770a01720a0012017922044c53544d2a120a0b68696464656e5f73697a651804a00102");
}

TEST(OnnxProto, ValueInfoWritesANamedBatchOrFixedSizes) {
  EXPECT_EQ(hex(encode_value_info(batch_of("x", 3))), "0a0178120f0a0d080112090a0312014e0a020803");
  EXPECT_EQ(hex(encode_value_info({"y", ElementType::Double, {std::int64_t{5}, std::int64_t{2}}})),
            "0a0179120e0a0c080b12080a0208050a020802");
}

TEST(OnnxProto, WholeModelMatchesOnnxPackageBytes) {
  Model model;
  model.producer_name = "scidl";
  model.producer_version = "0.1";
  model.graph = {"scidl", {gemm()}, {weights(), bias()}, {batch_of("x", 3)}, {batch_of("y", 2)}};
  EXPECT_EQ(
      hex(encode_model(model)),
      "08081205736369646c1a03302e313a96010a290a01780a01770a01621201791a0664656e736530220447656d6d2a"
      "0d0a067472616e73421801a001021205736369646c2a230802080310014201774a180000803f00000040000040"
      "40000080bf0000003f000000002a11080210014201624a080000003f000000c05a140a0178120f0a0d08011209"
      "0a0312014e0a02080362140a0179120f0a0d080112090a0312014e0a02080242040a001011");
}

}  // namespace
}  // namespace scidl::io::onnx
