// Tensors and models in and out of files: the scidl model file (architecture spec + weights,
// versioned and checksummed, see docs/model_file_format.md) and safetensors (weights only, the
// exchange format PyTorch users have).
#pragma once
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>

#include "scidl/io/named_array.h"
#include "scidl/nn/module.h"

namespace scidl::io {

NamedArray to_named_array(const std::string& name, const Tensor& t);
Tensor from_named_array(const NamedArray& a);

// Writes the model's spec (as build_model reads it), its state dict, and `extra` metadata.
void save_model(const std::filesystem::path& path, const nn::Module& model,
                const nlohmann::json& spec, const nlohmann::json& extra = nlohmann::json::object());

// The model description's version (meta.model_spec_version; absent means 1): 1 is a stack of
// layers, 2 adds model graphs of named layers (docs/model_file_format.md). The container's own
// layout has its own version (io/model_file.h).
inline constexpr int64_t kModelSpecVersion = 2;

struct LoadedModel {
  nn::ModulePtr model;  // an nn::Sequential for a stack, an nn::Graph for a graph
  nlohmann::json spec;
  nlohmann::json meta;  // everything the writer stored
};
LoadedModel load_model(const std::filesystem::path& path);

// Weights only. Import converts dtypes to the model's; names and shapes must match exactly.
void export_safetensors(const std::filesystem::path& path, const nn::Module& model);
void import_safetensors(const std::filesystem::path& path, nn::Module& model);

// Named tensors (optimizer state, RNG state, ...) in the model-file container.
void save_tensors(const std::filesystem::path& path, const std::map<std::string, Tensor>& tensors,
                  const nlohmann::json& meta);
std::map<std::string, Tensor> load_tensors(const std::filesystem::path& path,
                                           nlohmann::json* meta = nullptr);

}  // namespace scidl::io
