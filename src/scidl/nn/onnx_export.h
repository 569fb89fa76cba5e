// A model as an ONNX file (docs/onnx.md lists each layer's ONNX operators and what is refused):
// the inference graph of a Sequential or an nn::Graph, Dropout left out, BatchNorm on its running
// statistics, every parameter and buffer an initializer of the model's dtype. The graph's inputs
// are the model's named inputs ("x" for a model of one input) with a batch dimension "N" (or a
// fixed size); its one output is "output".
// Contract: the model is put in eval mode and run once on a batch of one zero example to learn
// each layer's shapes (a Normalization never adapted is refused there); a layer ONNX has no
// operator for (the graph-network layers) is refused naming the layer and its type. Nothing is
// written unless the whole model translates.
#pragma once
#include <filesystem>
#include <nlohmann/json.hpp>

#include "scidl/io/onnx_proto.h"
#include "scidl/nn/module.h"

namespace scidl::nn {

// Opset 17 (ONNX 1.12, IR version 8) is the default: the newest Debian 12's python3-onnx checks,
// and the first with LayerNormalization. Opsets 13 to 16 write LayerNorm as its decomposition.
inline constexpr int64_t kOnnxOpsetMin = 13, kOnnxOpsetMax = 17, kOnnxOpsetDefault = 17;

struct OnnxExportOptions {
  int64_t opset = kOnnxOpsetDefault;
  int64_t batch = 0;  // 0: a dynamic batch (dimension "N"); else every input's fixed batch size
};

// The ONNX model of `model`, which `spec` (its model file's spec) describes.
io::onnx::Model to_onnx(Module& model, const nlohmann::json& spec,
                        const OnnxExportOptions& options = {});

// to_onnx written to `path` atomically (io/file_io.h): an error leaves no file behind.
void export_onnx(const std::filesystem::path& path, Module& model, const nlohmann::json& spec,
                 const OnnxExportOptions& options = {});

}  // namespace scidl::nn
