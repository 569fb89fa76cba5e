// A model graph from its spec: names, inputs, shapes through the layers in an order where each
// follows what it reads, and the joins (add, concat) with their shape rules.
#include <fmt/format.h>

#include <map>
#include <set>

#include "scidl/nn/activation.h"
#include "scidl/nn/layer_spec.h"
#include "scidl/nn/merge.h"
#include "scidl/nn/model_spec.h"
#include "scidl/nn/spec_reading.h"

namespace scidl::nn::spec {

void check_layer_name(const std::string& name, const std::string& where) {
  bool ok = !name.empty() && name.front() != '.' && name.back() != '.' &&
            name.find("..") == std::string::npos;
  for (char c : name)
    ok = ok && (std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.');
  if (!ok)
    throw std::invalid_argument(fmt::format(
        "{}: the name '{}' is not a layer name: use letters, digits, '_' and '.' (dots make "
        "PyTorch-style nested names such as block1.linear)",
        where, name));
}

// A layer of a graph as written: its name, what it reads, and where it is in the config.
struct GraphEntry {
  const json* layer;
  std::string name, type, where;
  std::vector<std::string> inputs;
};

std::shared_ptr<Graph> build_graph(const json& spec, BuildContext& ctx) {
  const auto inputs = model_inputs(spec);
  std::map<std::string, Shape> shapes;
  std::vector<std::string> input_names;
  for (const auto& [name, shape] : inputs) {
    shapes[name] = shape;
    input_names.push_back(name);
  }
  std::vector<GraphEntry> entries;
  int index = 0;
  std::string previous = input_names.size() == 1 ? input_names[0] : "";
  for (const auto& layer : spec["layers"]) {
    GraphEntry e;
    e.layer = &layer;
    e.where = fmt::format("model.layers[{}]", index++);
    e.type = get<std::string>(layer, "type", e.where);
    e.name = get_or<std::string>(layer, "name", fmt::format("{}_{}", e.type, index - 1), e.where);
    check_layer_name(e.name, e.where);
    e.where = fmt::format("model.layers[{}] '{}'", index - 1, e.name);
    if (layer.contains("repeat"))
      throw std::invalid_argument(e.where +
                                  ": 'repeat' is for stacks; in a model graph write "
                                  "each layer out with its name");
    if (layer.contains("inputs")) {
      e.inputs = get<std::vector<std::string>>(layer, "inputs", e.where);
    } else {
      if (previous.empty())
        throw std::invalid_argument(
            fmt::format("{}: name its inputs (inputs = [...]); the model has several inputs [{}]",
                        e.where, fmt::join(input_names, ", ")));
      e.inputs = {previous};
    }
    if (e.inputs.empty()) throw std::invalid_argument(e.where + ": 'inputs' is empty");
    previous = e.name;
    entries.push_back(e);
  }
  std::set<std::string> known(input_names.begin(), input_names.end());
  for (const auto& e : entries)
    if (!known.insert(e.name).second)
      throw std::invalid_argument(fmt::format(
          "{}: the name '{}' is already taken by a layer or model input", e.where, e.name));
  for (const auto& e : entries)
    for (const auto& in : e.inputs)
      if (!known.count(in))
        throw std::invalid_argument(
            fmt::format("{}: reads '{}', which is neither a model input [{}] nor a layer", e.where,
                        in, fmt::join(input_names, ", ")));

  // Build in an order where each layer follows what it reads, so it knows its input shapes
  // (graph_order refuses a cycle, naming its layers).
  std::vector<std::string> names;
  std::vector<std::vector<std::string>> reads;
  for (const auto& e : entries) {
    names.push_back(e.name);
    reads.push_back(e.inputs);
  }
  std::vector<GraphLayer> layers;
  try {
    for (size_t i : graph_order(names, reads)) {
      const auto& e = entries[i];
      std::vector<Shape> in_shapes;
      for (const auto& n : e.inputs) in_shapes.push_back(shapes.at(n));
      GraphLayer g{e.name, e.inputs, nullptr, nullptr};
      Shape shape;
      try {
        if (e.type == "add") {
          check_keys(*e.layer, {"type", "name", "inputs"}, e.where);
          shape = Add::output_shape(in_shapes);
          g.layer = std::make_shared<Add>();
        } else if (e.type == "concat") {
          check_keys(*e.layer, {"type", "name", "inputs", "axis"}, e.where);
          auto concat = std::make_shared<Concat>(get_or<int64_t>(*e.layer, "axis", -1, e.where));
          shape = concat->output_shape(in_shapes);
          g.layer = concat;
        } else {
          if (in_shapes.size() != 1)
            throw std::invalid_argument(fmt::format(
                "{} takes one input but reads {} [{}]; join them first with an add or concat "
                "layer",
                e.type, in_shapes.size(), fmt::join(e.inputs, ", ")));
          shape = in_shapes[0];
          std::vector<ModulePtr> mods;
          add_layer(mods, *e.layer, e.type, shape, ctx, e.where, {"name", "inputs"});
          g.layer = mods.empty() ? std::make_shared<Identity>() : mods[0];
          if (mods.size() > 1) g.activation = mods[1];
        }
      } catch (const std::invalid_argument& err) {
        const std::string msg = err.what();
        if (msg.rfind(e.where, 0) == 0) throw;
        std::vector<std::string> from;
        for (size_t k = 0; k < in_shapes.size(); ++k)
          from.push_back(fmt::format("{} {}", e.inputs[k], shape_str(in_shapes[k])));
        throw std::invalid_argument(
            fmt::format("{} (reading {}): {}", e.where, fmt::join(from, ", "), msg));
      }
      shapes[e.name] = shape;
      layers.push_back(std::move(g));
    }
  } catch (const GraphCycleError& e) {
    throw std::invalid_argument(fmt::format("model: {}", e.what()));
  }
  const std::string output = get_or<std::string>(spec, "output", "", "model");
  try {
    return std::make_shared<Graph>(input_names, std::move(layers), output);
  } catch (const std::invalid_argument& e) {
    throw std::invalid_argument(fmt::format("model: {}", e.what()));
  }
}

}  // namespace scidl::nn::spec
