// The walk over a model: a stack's layers in order, a graph's layers in their planned order, each
// layer translated (nn/onnx_layers.h) and run once on its example input so the next one knows
// its shape.
#include "scidl/nn/onnx_export.h"

#include <fmt/format.h>

#include <map>

#include "scidl/autograd/grad_mode.h"
#include "scidl/io/file_io.h"
#include "scidl/nn/graph.h"
#include "scidl/nn/model_spec.h"
#include "scidl/nn/onnx_layers.h"
#include "scidl/nn/recurrent.h"
#include "scidl/nn/sequential.h"

namespace scidl::nn {

using onnx_export::GraphBuilder;
using onnx_export::Value;

namespace {

Value export_module(GraphBuilder& b, Module& m, const Value& in, const std::string& name,
                    const std::string& where);

Value export_stack(GraphBuilder& b, Sequential& stack, Value v, const std::string& prefix) {
  for (size_t i = 0; i < stack.size(); ++i) {
    const std::string name = prefix.empty() ? std::to_string(i) : fmt::format("{}.{}", prefix, i);
    v = export_module(b, stack.at(i), v, name, fmt::format("layer {}", name));
  }
  return v;
}

Value export_module(GraphBuilder& b, Module& m, const Value& in, const std::string& name,
                    const std::string& where) {
  if (auto* stack = dynamic_cast<Sequential*>(&m)) return export_stack(b, *stack, in, name);
  std::string out;
  if (auto* r = dynamic_cast<Recurrent*>(&m))
    out = onnx_export::export_recurrent(b, *r, in, name);
  else
    out = onnx_export::export_layer(b, m, in, name, where);
  return {out, m.forward(in.example)};
}

Value export_graph(GraphBuilder& b, Graph& graph, const std::vector<Value>& inputs) {
  std::map<std::string, Value> values;
  for (const auto& v : inputs) values.emplace(v.name, v);
  for (const GraphLayer& l : graph.layers()) {
    const std::string where = fmt::format("layer '{}'", l.name);
    std::vector<Value> in;
    for (const auto& n : l.inputs) in.push_back(values.at(n));
    Value v;
    if (in.size() > 1) {
      std::vector<Tensor> examples;
      for (const auto& x : in) examples.push_back(x.example);
      v = {onnx_export::export_merge(b, *l.layer, in, l.name, where),
           l.layer->forward_inputs(examples)};
    } else {
      v = export_module(b, *l.layer, in.at(0), l.name, where);
    }
    if (l.activation)
      v = export_module(b, *l.activation, v, l.name + ".activation",
                        fmt::format("the activation of layer '{}'", l.name));
    values[l.name] = v;
  }
  return values.at(graph.output_name());
}

// The graph input's or output's shape: `batch_dims[d]` marks the dimensions that follow the batch
// (the first, but for an output after a time-first recurrent layer's last state, none).
io::onnx::ValueInfo value_info(const std::string& name, io::onnx::ElementType type,
                               const Shape& example, const std::vector<bool>& batch_dims,
                               int64_t batch) {
  io::onnx::ValueInfo info{name, type, {}};
  for (size_t d = 0; d < example.size(); ++d) {
    if (!batch_dims[d])
      info.shape.emplace_back(example[d]);
    else if (batch == 0)
      info.shape.emplace_back(std::string("N"));
    else
      info.shape.emplace_back(batch);
  }
  return info;
}

// Which dimensions of the model's output follow the batch: those that differ between the
// example's output (a batch of one) and a batch of two.
std::vector<bool> output_batch_dims(Module& model, const std::vector<Value>& inputs,
                                    const Shape& example_output) {
  TensorDict two;
  for (const auto& v : inputs) {
    Shape shape = v.example.shape();
    shape[0] = 2;
    two.set(v.name, zeros(shape, v.example.dtype()));
  }
  const Shape pair_output = model.forward_batch(two).shape();
  std::vector<bool> dims(example_output.size(), false);
  for (size_t d = 0; d < dims.size(); ++d)
    dims[d] = d < pair_output.size() && pair_output[d] != example_output[d];
  return dims;
}

}  // namespace

io::onnx::Model to_onnx(Module& model, const nlohmann::json& spec,
                        const OnnxExportOptions& options) {
  if (options.opset < kOnnxOpsetMin || options.opset > kOnnxOpsetMax)
    throw std::invalid_argument(
        fmt::format("ONNX export: opset {} is not supported; choose {} to {}", options.opset,
                    kOnnxOpsetMin, kOnnxOpsetMax));
  if (options.batch < 0)
    throw std::invalid_argument(
        fmt::format("ONNX export: batch size {} must be positive (or 0: dynamic)", options.batch));
  NoGradGuard no_grad;
  model.eval();
  const DType dtype = model_dtype(spec);
  GraphBuilder b(options.opset, dtype);

  io::onnx::Model out;
  out.opset_version = options.opset;
  out.producer_name = "scidl";
  out.producer_version = SCIDL_VERSION;
  out.graph.name = "scidl";
  std::vector<Value> inputs;
  for (const auto& [name, shape] : model_inputs(spec)) {
    Shape example{1};
    example.insert(example.end(), shape.begin(), shape.end());
    b.claim(name);
    inputs.push_back({name, zeros(example, dtype)});
    std::vector<bool> batch_dims(example.size(), false);
    batch_dims[0] = true;
    out.graph.inputs.push_back(
        value_info(name, b.element_type(), example, batch_dims, options.batch));
  }

  Value result;
  if (auto* graph = dynamic_cast<Graph*>(&model))
    result = export_graph(b, *graph, inputs);
  else if (inputs.size() == 1)
    result = export_module(b, model, inputs[0], "", "the model");
  else
    throw std::invalid_argument(
        fmt::format("ONNX export: the spec names {} inputs but the model ({}) is not a graph",
                    inputs.size(), model.describe()));

  // The graph's output is "output": the last node writes it, or an Identity where the output is
  // an input passed through (a model of Dropout alone).
  std::string output = result.name;
  const bool is_input =
      std::any_of(inputs.begin(), inputs.end(), [&](const Value& v) { return v.name == output; });
  if (is_input) {
    output = b.node("Identity", {result.name}, "output");
  } else if (output != "output") {
    const std::string plain = b.fresh("output");
    b.rename(output, plain);
    output = plain;
  }
  const Shape& shape = result.example.shape();
  out.graph.outputs.push_back(
      value_info(output, onnx_export::element_type_of(result.example.dtype()), shape,
                 output_batch_dims(model, inputs, shape), options.batch));
  out.graph.nodes = std::move(b.nodes());
  out.graph.initializers = std::move(b.initializers());
  return out;
}

void export_onnx(const std::filesystem::path& path, Module& model, const nlohmann::json& spec,
                 const OnnxExportOptions& options) {
  const std::string bytes = io::onnx::encode_model(to_onnx(model, spec, options));
  io::write_file_atomically(path, bytes);
}

}  // namespace scidl::nn
