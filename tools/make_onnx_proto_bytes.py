#!/usr/bin/python3
"""Prints the wire bytes of small ONNX messages as the onnx Python package writes them, as the
hex strings tests/io/test_onnx_proto.cpp compares scidl's encoder against (run by hand with
Debian's python3-onnx: /usr/bin/python3 tools/make_onnx_proto_bytes.py)."""
import struct

import onnx
from onnx import TensorProto, helper


def show(name, message):
    print(f"{name}: {message.SerializeToString().hex()}")


weights = helper.make_tensor("w", TensorProto.FLOAT, [2, 3],
                             struct.pack("<6f", 1, 2, 3, -1, 0.5, 0), raw=True)
show("tensor", weights)
show("attribute_int", helper.make_attribute("axis", -1))
show("attribute_float", helper.make_attribute("alpha", 0.25))
show("attribute_ints", helper.make_attribute("pads", [1, 0, 300, 2]))
show("attribute_string", helper.make_attribute("direction", "forward"))
gemm = helper.make_node("Gemm", ["x", "w", "b"], ["y"], name="dense0", transB=1)
show("node", gemm)
show("node_optional_input", helper.make_node("LSTM", ["x", "w", "r", ""], ["y"], hidden_size=4))
show("value_info", helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 3]))
show("value_info_double", helper.make_tensor_value_info("y", TensorProto.DOUBLE, [5, 2]))
bias = helper.make_tensor("b", TensorProto.FLOAT, [2], struct.pack("<2f", 0.5, -2), raw=True)
graph = helper.make_graph([gemm], "scidl", [helper.make_tensor_value_info(
    "x", TensorProto.FLOAT, ["N", 3])], [helper.make_tensor_value_info(
        "y", TensorProto.FLOAT, ["N", 2])], initializer=[weights, bias])
show("graph", graph)
model = helper.make_model(graph, producer_name="scidl", producer_version="0.1",
                          opset_imports=[helper.make_opsetid("", 17)], ir_version=8)
onnx.checker.check_model(model, full_check=True)
show("model", model)
