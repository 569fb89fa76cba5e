#include "scidl/train/callbacks/model_graph.h"

#include <fmt/format.h>

#include <map>

#include "scidl/autograd/grad_mode.h"
#include "scidl/nn/graph.h"
#include "scidl/nn/sequential.h"
#include "scidl/ops/shape_ops.h"

namespace scidl::train {

namespace {

// "Linear(4 -> 16)" -> "Linear": the layer's type, what TensorBoard shows as the op.
std::string op_of(const nn::Module& m) {
  const std::string d = m.describe();
  return d.substr(0, d.find('('));
}

std::vector<int64_t> batch_free_shape(const Tensor& t) {
  std::vector<int64_t> shape(t.shape().begin(), t.shape().end());
  if (!shape.empty()) shape[0] = -1;
  return shape;
}

// The model's inputs for the first two examples, or empty when shapes cannot be taken.
TensorDict first_examples(const data::Dataset* d) {
  if (!d || d->graphs || d->size() == 0) return {};
  const int64_t n = std::min<int64_t>(2, d->size());
  TensorDict inputs{{"x", slice(d->x, 0, 0, n)}};
  for (const auto& [name, t] : d->inputs) inputs.set(name, slice(t, 0, 0, n));
  return inputs;
}

std::vector<io::GraphNode> graph_nodes(const nn::Graph& g, const TensorDict& examples) {
  std::vector<io::GraphNode> nodes;
  std::map<std::string, Tensor> values;
  for (const auto& name : g.input_names()) {
    nodes.push_back({name, "Input", {}, {}, {}});
    if (examples.contains(name)) values[name] = examples.get(name);
    if (values.count(name)) nodes.back().output_shape = batch_free_shape(values[name]);
  }
  for (const nn::GraphLayer& l : g.layers()) {
    io::GraphNode node{
        l.name, op_of(*l.layer), l.inputs, {}, {{"description", l.layer->describe()}}};
    if (l.activation) node.attrs["activation"] = l.activation->describe();
    std::vector<Tensor> in;
    for (const auto& name : l.inputs)
      if (values.count(name)) in.push_back(values[name]);
    if (!in.empty() && in.size() == l.inputs.size()) {
      Tensor y = l.layer->forward_inputs(in);
      if (l.activation) y = l.activation->forward(y);
      values[l.name] = y;
      node.output_shape = batch_free_shape(y);
    }
    nodes.push_back(std::move(node));
  }
  return nodes;
}

std::vector<io::GraphNode> chain_nodes(const nn::Sequential& s, const TensorDict& examples) {
  std::vector<io::GraphNode> nodes{{"x", "Input", {}, {}, {}}};
  Tensor x = examples.contains("x") ? examples.get("x") : Tensor();
  if (x.defined()) nodes.back().output_shape = batch_free_shape(x);
  for (const auto& [name, child] : s.children()) {
    io::GraphNode node{fmt::format("{}_{}", op_of(*child), name),
                       op_of(*child),
                       {nodes.back().name},
                       {},
                       {{"description", child->describe()}}};
    node.attrs["module"] = name;  // the prefix of its parameters' names ("0.weight")
    if (x.defined()) {
      x = child->forward(x);
      node.output_shape = batch_free_shape(x);
    }
    nodes.push_back(std::move(node));
  }
  return nodes;
}

std::vector<io::GraphNode> nodes_of(nn::Module& model, const TensorDict& examples) {
  if (const auto* g = dynamic_cast<const nn::Graph*>(&model)) return graph_nodes(*g, examples);
  if (const auto* s = dynamic_cast<const nn::Sequential*>(&model)) return chain_nodes(*s, examples);
  std::vector<io::GraphNode> nodes;
  std::vector<std::string> inputs;
  for (const auto& name : model.input_names()) {
    nodes.push_back({name, "Input", {}, {}, {}});
    inputs.push_back(name);
  }
  io::GraphNode node{"model", op_of(model), inputs, {}, {{"description", model.describe()}}};
  if (!examples.empty()) node.output_shape = batch_free_shape(model.forward_batch(examples));
  nodes.push_back(std::move(node));
  return nodes;
}

}  // namespace

std::vector<io::GraphNode> model_graph(nn::Module& model, const data::Dataset* examples) {
  NoGradGuard no_grad;
  const bool was_training = model.is_training();
  model.eval();  // batch norm must not learn from the examples
  std::vector<io::GraphNode> nodes;
  try {
    nodes = nodes_of(model, first_examples(examples));
  } catch (const std::exception&) {  // the layers' shapes are a nicety; the graph is not
    nodes = nodes_of(model, {});
  }
  model.train(was_training);
  return nodes;
}

}  // namespace scidl::train
