// Building a model from its spec, the pieces the stack and graph builders share (internal to
// nn/: nn/model_spec.h is the interface).
#pragma once
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "scidl/nn/graph.h"
#include "scidl/nn/init.h"
#include "scidl/tensor/random.h"

namespace scidl::nn::spec {

// What every layer of a model shares: the default initialiser, the dtype, the generator.
struct BuildContext {
  Init init = Init::KaimingUniform;
  DType dtype = DType::Float32;
  Generator gen;
};

// Appends one layer (and its activation) taking per-example `shape`, which it updates. Errors
// name the layer (`where`) and the key or shapes at fault; `extra_keys` are allowed besides the
// layer type's own ("repeat" in a stack, "name" and "inputs" in a graph).
void add_layer(std::vector<ModulePtr>& out, const nlohmann::json& layer, const std::string& type,
               Shape& shape, BuildContext& ctx, const std::string& where,
               const std::vector<std::string>& extra_keys);

// Throws unless `name` is a layer or input name: letters, digits, '_' and inner dots.
void check_layer_name(const std::string& name, const std::string& where);

// The graph form of a spec (nn/model_spec.h).
std::shared_ptr<Graph> build_graph(const nlohmann::json& spec, BuildContext& ctx);

}  // namespace scidl::nn::spec
