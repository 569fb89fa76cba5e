#include "scidl/nn/graph.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

#include "scidl/nn/fusion.h"

namespace scidl::nn {

std::vector<size_t> graph_order(const std::vector<std::string>& names,
                                const std::vector<std::vector<std::string>>& reads) {
  // Kahn's algorithm, always taking the earliest listed layer that is ready.
  std::map<std::string, size_t> index;
  for (size_t i = 0; i < names.size(); ++i) index[names[i]] = i;
  std::vector<int> waiting(names.size(), 0);
  std::vector<std::vector<size_t>> readers(names.size());
  for (size_t i = 0; i < names.size(); ++i)
    for (const auto& in : reads[i])
      if (auto it = index.find(in); it != index.end()) {
        ++waiting[i];
        readers[it->second].push_back(i);
      }
  std::set<size_t> ready;
  for (size_t i = 0; i < names.size(); ++i)
    if (waiting[i] == 0) ready.insert(i);
  std::vector<size_t> order;
  while (!ready.empty()) {
    const size_t i = *ready.begin();
    ready.erase(ready.begin());
    order.push_back(i);
    for (size_t r : readers[i])
      if (--waiting[r] == 0) ready.insert(r);
  }
  if (order.size() != names.size()) {
    std::vector<bool> placed(names.size(), false);
    for (size_t i : order) placed[i] = true;
    std::vector<std::string> cycle;
    for (size_t i = 0; i < names.size(); ++i)
      if (!placed[i]) cycle.push_back(names[i]);
    throw GraphCycleError(fmt::format(
        "the layers [{}] read each other in a cycle; each layer may read only the model inputs "
        "and layers that do not depend on it",
        fmt::join(cycle, ", ")));
  }
  return order;
}

Graph::Graph(std::vector<std::string> inputs, std::vector<GraphLayer> layers, std::string output)
    : inputs_(std::move(inputs)), output_(std::move(output)) {
  if (inputs_.empty()) throw std::invalid_argument("model graph: no model inputs");
  if (layers.empty()) throw std::invalid_argument("model graph: no layers");
  if (output_.empty()) output_ = layers.back().name;
  std::set<std::string> names(inputs_.begin(), inputs_.end());
  if (names.size() != inputs_.size())
    throw std::invalid_argument(
        fmt::format("model graph: the inputs [{}] repeat a name", fmt::join(inputs_, ", ")));
  for (const auto& l : layers) {
    if (l.name.empty()) throw std::invalid_argument("model graph: a layer has no name");
    if (!names.insert(l.name).second)
      throw std::invalid_argument(fmt::format(
          "model graph: the name '{}' is given twice (layers and model inputs need distinct "
          "names)",
          l.name));
    if (!l.layer) throw std::invalid_argument(fmt::format("layer '{}': no module", l.name));
    if (l.inputs.empty())
      throw std::invalid_argument(fmt::format("layer '{}': reads no input", l.name));
  }
  for (const auto& l : layers)
    for (const auto& in : l.inputs)
      if (!names.count(in))
        throw std::invalid_argument(
            fmt::format("layer '{}': its input '{}' is neither a model input [{}] nor a layer",
                        l.name, in, fmt::join(inputs_, ", ")));
  if (!names.count(output_) || std::find(inputs_.begin(), inputs_.end(), output_) != inputs_.end())
    throw std::invalid_argument(
        fmt::format("model graph: the output '{}' is not a layer", output_));
  {
    std::vector<std::string> names;
    std::vector<std::vector<std::string>> reads;
    for (const auto& l : layers) {
      names.push_back(l.name);
      reads.push_back(l.inputs);
    }
    for (size_t i : graph_order(names, reads)) layers_.push_back(layers[i]);
  }

  // Everything the output depends on; a layer or input outside that set is a mistake.
  std::map<std::string, const GraphLayer*> by_name;
  for (const auto& l : layers_) by_name[l.name] = &l;
  std::set<std::string> used{output_};
  for (auto it = layers_.rbegin(); it != layers_.rend(); ++it)
    if (used.count(it->name)) used.insert(it->inputs.begin(), it->inputs.end());
  for (const auto& l : layers_)
    if (!used.count(l.name))
      throw std::invalid_argument(fmt::format(
          "layer '{}' is unused: the model's output '{}' does not depend on it (give it as an "
          "input of a later layer, or remove it)",
          l.name, output_));
  for (const auto& in : inputs_)
    if (!used.count(in))
      throw std::invalid_argument(
          fmt::format("model input '{}' is unused: no layer on the way to the output '{}' reads it",
                      in, output_));
  for (const auto& l : layers_) register_module(l.name, l.layer);

  // The plan: value slots are the inputs then the layers; a layer read by exactly one other
  // single-input layer (and not the output) joins that reader's step, so runs of dense layers
  // become one fused chain.
  std::map<std::string, int> slot;
  for (size_t i = 0; i < inputs_.size(); ++i) slot[inputs_[i]] = int(i);
  std::map<std::string, int> readers;
  for (const auto& l : layers_)
    for (const auto& in : l.inputs) ++readers[in];
  std::map<std::string, size_t> step_of;  // layer -> the step whose output it currently is
  for (const auto& l : layers_) {
    const bool joins = l.inputs.size() == 1 && step_of.count(l.inputs[0]) &&
                       readers[l.inputs[0]] == 1 && l.inputs[0] != output_;
    size_t s;
    if (joins) {
      s = step_of[l.inputs[0]];
      step_of.erase(l.inputs[0]);
      plan_[s].tail.push_back(l.layer.get());
    } else {
      Step step{{}, l.layer.get(), {}, 0};
      for (const auto& in : l.inputs) {
        if (!slot.count(in)) slot[in] = int(inputs_.size() + slot.size());
        step.in.push_back(slot.at(in));
      }
      s = plan_.size();
      plan_.push_back(step);
    }
    if (l.activation) plan_[s].tail.push_back(l.activation.get());
    step_of[l.name] = s;
  }
  // Slots: each step's output gets the slot of the last layer it computes.
  for (const auto& [name, s] : step_of)
    if (!slot.count(name)) slot[name] = int(inputs_.size() + slot.size());
  for (const auto& [name, s] : step_of) plan_[s].out = slot.at(name);
  output_slot_ = slot.at(output_);
}

Tensor Graph::run(std::vector<Tensor> values) {
  for (const auto& step : plan_) {
    std::vector<Tensor> in;
    for (int s : step.in) in.push_back(values[size_t(s)]);
    Tensor out;
    if (in.size() == 1) {
      std::vector<Module*> chain{step.head};
      chain.insert(chain.end(), step.tail.begin(), step.tail.end());
      out = forward_fused(chain, in[0]);
    } else {
      out = forward_fused(step.tail, step.head->forward_inputs(in));
    }
    if (values.size() <= size_t(step.out)) values.resize(size_t(step.out) + 1);
    values[size_t(step.out)] = out;
  }
  return values[size_t(output_slot_)];
}

Tensor Graph::forward(const Tensor& x) {
  if (inputs_.size() != 1)
    throw std::invalid_argument(
        fmt::format("this model has {} inputs [{}]; call it with a batch of named tensors",
                    inputs_.size(), fmt::join(inputs_, ", ")));
  return run({x});
}

Tensor Graph::forward_batch(const TensorDict& batch) {
  std::vector<Tensor> values;
  for (const auto& name : inputs_) {
    if (!batch.contains(name))
      throw std::invalid_argument(
          fmt::format("the model reads an input named '{}', but the batch holds only [{}]", name,
                      fmt::join(batch.names(), ", ")));
    values.push_back(batch.get(name));
  }
  return run(std::move(values));
}

std::vector<Module*> Graph::as_chain() {
  if (plan_.size() != 1 || plan_[0].in.size() != 1 || inputs_.size() != 1) return {};
  std::vector<Module*> chain{plan_[0].head};
  chain.insert(chain.end(), plan_[0].tail.begin(), plan_[0].tail.end());
  return chain;
}

std::string Graph::describe() const {
  return fmt::format("Graph({} inputs, {} layers)", inputs_.size(), layers_.size());
}

std::string Graph::summary() const {
  std::string out =
      fmt::format("Graph: inputs [{}] -> output '{}'\n", fmt::join(inputs_, ", "), output_);
  for (const auto& l : layers_) {
    const int64_t params = l.layer->parameter_count();
    out +=
        fmt::format("  {}: {}{} <- [{}]{}\n", l.name, l.layer->describe(),
                    l.activation ? " + " + l.activation->describe() : "", fmt::join(l.inputs, ", "),
                    params ? fmt::format("  [{} parameters]", params) : "");
  }
  out += fmt::format("total parameters: {}\n", parameter_count());
  return out;
}

}  // namespace scidl::nn
