#include "scidl/nn/onnx_layers.h"

#include <fmt/format.h>

#include <cmath>
#include <numbers>

#include "scidl/nn/activation.h"
#include "scidl/nn/batchnorm.h"
#include "scidl/nn/conv.h"
#include "scidl/nn/embedding.h"
#include "scidl/nn/layer_norm.h"
#include "scidl/nn/linear.h"
#include "scidl/nn/merge.h"
#include "scidl/nn/message_passing.h"
#include "scidl/nn/normalization.h"
#include "scidl/nn/pool.h"
#include "scidl/ops/elementwise.h"

namespace scidl::nn::onnx_export {

using io::onnx::Attribute;

namespace {

std::string dense(GraphBuilder& b, const Linear& l, const Value& in, const std::string& name) {
  const std::string weight = b.constant(name + ".weight", l.weight());
  const std::string bias = l.bias().defined() ? b.constant(name + ".bias", l.bias()) : "";
  if (in.example.dim() == 2) {
    std::vector<std::string> inputs{in.name, weight};
    if (!bias.empty()) inputs.push_back(bias);
    return b.node("Gemm", inputs, name, {Attribute::of_int("transB", 1)});
  }
  // Inputs [N, ..., in]: x W^T over the last dimension.
  const std::string weight_t = b.node("Transpose", {weight}, name + ".weight_t");
  const std::string product =
      b.node("MatMul", {in.name, weight_t}, bias.empty() ? name : name + ".matmul");
  return bias.empty() ? product : b.node("Add", {product, bias}, name);
}

// GELU as its definition: 0.5 x (1 + erf(x / sqrt 2)), or with the tanh approximation
// 0.5 x (1 + tanh(sqrt(2 / pi) (x + 0.044715 x^3))) (Gelu is an operator only from opset 20).
std::string gelu(GraphBuilder& b, bool tanh_approximation, const Value& in,
                 const std::string& name) {
  std::string inner;
  if (tanh_approximation) {
    const std::string cube =
        b.node("Mul", {b.node("Mul", {in.name, in.name}, name + ".x2"), in.name}, name + ".x3");
    const std::string cubic = b.node("Mul", {cube, b.scalar(name + ".c", 0.044715)}, name + ".cx3");
    const std::string sum = b.node("Add", {in.name, cubic}, name + ".sum");
    const double k = std::sqrt(2.0 / std::numbers::pi);
    inner = b.node("Tanh", {b.node("Mul", {sum, b.scalar(name + ".k", k)}, name + ".scaled")},
                   name + ".tanh");
  } else {
    const std::string scaled = b.node(
        "Mul", {in.name, b.scalar(name + ".rsqrt2", 1.0 / std::numbers::sqrt2)}, name + ".scaled");
    inner = b.node("Erf", {scaled}, name + ".erf");
  }
  const std::string one_plus =
      b.node("Add", {inner, b.scalar(name + ".one", 1.0)}, name + ".one_plus");
  const std::string half_x =
      b.node("Mul", {in.name, b.scalar(name + ".half", 0.5)}, name + ".half_x");
  return b.node("Mul", {half_x, one_plus}, name);
}

// The activations, dropout and flatten; an empty name when `layer` is none of them.
std::string activation(GraphBuilder& b, Module& layer, const Value& in, const std::string& name) {
  if (dynamic_cast<ReLU*>(&layer)) return b.node("Relu", {in.name}, name);
  if (dynamic_cast<Tanh*>(&layer)) return b.node("Tanh", {in.name}, name);
  if (dynamic_cast<Sigmoid*>(&layer)) return b.node("Sigmoid", {in.name}, name);
  if (auto* l = dynamic_cast<LeakyReLU*>(&layer))
    return b.node("LeakyRelu", {in.name}, name, {Attribute::of_float("alpha", float(l->slope()))});
  if (auto* l = dynamic_cast<ELU*>(&layer))
    return b.node("Elu", {in.name}, name, {Attribute::of_float("alpha", float(l->alpha()))});
  if (auto* l = dynamic_cast<Softmax*>(&layer))
    return b.node("Softmax", {in.name}, name, {Attribute::of_int("axis", l->dim())});
  if (auto* l = dynamic_cast<LogSoftmax*>(&layer))
    return b.node("LogSoftmax", {in.name}, name, {Attribute::of_int("axis", l->dim())});
  if (auto* l = dynamic_cast<GELU*>(&layer)) return gelu(b, l->tanh_approximation(), in, name);
  if (dynamic_cast<SiLU*>(&layer))
    return b.node("Mul", {in.name, b.node("Sigmoid", {in.name}, name + ".sigmoid")}, name);
  if (dynamic_cast<Identity*>(&layer)) return b.node("Identity", {in.name}, name);
  if (dynamic_cast<Dropout*>(&layer)) return in.name;  // Dropout2d too: nothing at inference
  if (dynamic_cast<Flatten*>(&layer))
    return b.node("Flatten", {in.name}, name, {Attribute::of_int("axis", 1)});
  return {};
}

// ONNX's pads of a window: [top, left, bottom, right], what scidl pads for this input size.
std::vector<int64_t> window_pads(const char* op, const Value& in, std::array<int64_t, 2> kernel,
                                 std::array<int64_t, 2> stride, std::array<int64_t, 2> dilation,
                                 const Padding2d& padding) {
  const WindowPlan w = plan_window(op, in.example.shape()[2], in.example.shape()[3], kernel, stride,
                                   dilation, padding);
  return {w.pad_top, w.pad_left, w.pad_bottom, w.pad_right};
}

std::string conv(GraphBuilder& b, const Conv2d& l, const Value& in, const std::string& name) {
  std::vector<std::string> inputs{in.name, b.constant(name + ".weight", l.weight())};
  if (l.bias().defined()) inputs.push_back(b.constant(name + ".bias", l.bias()));
  const Conv2dOptions& o = l.options();
  const auto kernel = l.kernel();
  return b.node("Conv", inputs, name,
                {Attribute::of_ints("kernel_shape", {kernel[0], kernel[1]}),
                 Attribute::of_ints("strides", {o.stride[0], o.stride[1]}),
                 Attribute::of_ints("dilations", {o.dilation[0], o.dilation[1]}),
                 Attribute::of_ints(
                     "pads", window_pads("conv2d", in, kernel, o.stride, o.dilation, o.padding)),
                 Attribute::of_int("group", 1)});
}

// MaxPool or AveragePool; an average counts only the window's part inside the image, as scidl's.
std::string pool(GraphBuilder& b, const Pool2dOptions& o, bool max, const Value& in,
                 const std::string& name) {
  const std::array<int64_t, 2> stride{o.stride[0] == 0 ? o.kernel[0] : o.stride[0],
                                      o.stride[1] == 0 ? o.kernel[1] : o.stride[1]};
  std::vector<Attribute> attributes{
      Attribute::of_ints("kernel_shape", {o.kernel[0], o.kernel[1]}),
      Attribute::of_ints("strides", {stride[0], stride[1]}),
      Attribute::of_ints("pads", window_pads(max ? "max_pool2d" : "avg_pool2d", in, o.kernel,
                                             stride, {1, 1}, o.padding))};
  if (!max) attributes.push_back(Attribute::of_int("count_include_pad", 0));
  return b.node(max ? "MaxPool" : "AveragePool", {in.name}, name, attributes);
}

std::string batch_norm(GraphBuilder& b, const BatchNorm& l, const Value& in,
                       const std::string& name, const std::string& where) {
  const BatchNormOptions& o = l.options();
  if (!o.track_running_stats)
    throw UnsupportedLayer(fmt::format(
        "{} ({}) normalises by each batch's statistics (track_running_stats off), which ONNX's "
        "inference BatchNormalization does not; keep running statistics to export it",
        where, l.describe()));
  const int64_t c = l.num_features();
  const DType dtype = l.running_mean().dtype();
  const std::string scale = l.weight().defined() ? b.constant(name + ".weight", l.weight())
                                                 : b.constant(name + ".weight", ones({c}, dtype));
  const std::string shift = l.bias().defined() ? b.constant(name + ".bias", l.bias())
                                               : b.constant(name + ".bias", zeros({c}, dtype));
  return b.node("BatchNormalization",
                {in.name, scale, shift, b.constant(name + ".running_mean", l.running_mean()),
                 b.constant(name + ".running_var", l.running_var())},
                name, {Attribute::of_float("epsilon", float(o.eps))});
}

// LayerNormalization from opset 17; before it, its definition over the last dimension.
std::string layer_norm(GraphBuilder& b, const LayerNorm& l, const Value& in,
                       const std::string& name) {
  const int64_t features = in.example.shape().back();
  const DType dtype = in.example.dtype();
  const std::string scale = l.weight().defined()
                                ? b.constant(name + ".weight", l.weight())
                                : b.constant(name + ".weight", ones({features}, dtype));
  const std::string shift = l.bias().defined()
                                ? b.constant(name + ".bias", l.bias())
                                : b.constant(name + ".bias", zeros({features}, dtype));
  if (b.opset() >= 17)
    return b.node("LayerNormalization", {in.name, scale, shift}, name,
                  {Attribute::of_int("axis", -1), Attribute::of_float("epsilon", float(l.eps()))});
  const std::vector<Attribute> last{Attribute::of_ints("axes", {-1}),
                                    Attribute::of_int("keepdims", 1)};
  const std::string mean = b.node("ReduceMean", {in.name}, name + ".mean", last);
  const std::string centred = b.node("Sub", {in.name, mean}, name + ".centred");
  const std::string square = b.node("Mul", {centred, centred}, name + ".square");
  const std::string variance = b.node("ReduceMean", {square}, name + ".variance", last);
  const std::string spread = b.node(
      "Sqrt", {b.node("Add", {variance, b.scalar(name + ".eps", l.eps())}, name + ".var_eps")},
      name + ".std");
  const std::string normed = b.node("Div", {centred, spread}, name + ".normed");
  return b.node("Add", {b.node("Mul", {normed, scale}, name + ".scaled"), shift}, name);
}

// (x - mean) / scale, or x * scale + mean inverted, with scale = max(sqrt(variance), 1e-7)
// computed here as scidl computes it.
std::string normalization(GraphBuilder& b, const Normalization& l, const Value& in,
                          const std::string& name) {
  const Tensor& variance = l.variance();
  const Tensor scale_values = maximum(sqrt(variance), full({}, 1e-7, variance.dtype()));
  const std::string mean = b.constant(name + ".mean", l.mean());
  const std::string scale = b.constant(name + ".scale", scale_values);
  if (l.inverted())
    return b.node("Add", {b.node("Mul", {in.name, scale}, name + ".scaled"), mean}, name);
  return b.node("Div", {b.node("Sub", {in.name, mean}, name + ".centred"), scale}, name);
}

// Gather of the weight's rows; float inputs holding whole numbers are cast to indices, as
// scidl's Embedding reads them.
std::string embedding(GraphBuilder& b, const Embedding& l, const Value& in,
                      const std::string& name) {
  std::string indices = in.name;
  if (in.example.dtype() != DType::Int64)
    indices = b.node("Cast", {in.name}, name + ".indices",
                     {Attribute::of_int("to", int64_t(io::onnx::ElementType::Int64))});
  return b.node("Gather", {b.constant(name + ".weight", l.weight()), indices}, name,
                {Attribute::of_int("axis", 0)});
}

}  // namespace

std::string layer_type(const Module& layer) {
  const std::string d = layer.describe();
  return d.substr(0, d.find('('));
}

std::string export_layer(GraphBuilder& b, Module& layer, const Value& in, const std::string& name,
                         const std::string& where) {
  if (auto* l = dynamic_cast<Linear*>(&layer)) return dense(b, *l, in, name);
  if (auto* l = dynamic_cast<Conv2d*>(&layer)) return conv(b, *l, in, name);
  if (auto* l = dynamic_cast<MaxPool2d*>(&layer)) return pool(b, l->options(), true, in, name);
  if (auto* l = dynamic_cast<AvgPool2d*>(&layer)) return pool(b, l->options(), false, in, name);
  if (dynamic_cast<GlobalAvgPool2d*>(&layer))
    return b.node("Flatten", {b.node("GlobalAveragePool", {in.name}, name + ".pool")}, name,
                  {Attribute::of_int("axis", 1)});
  if (auto* l = dynamic_cast<BatchNorm*>(&layer)) return batch_norm(b, *l, in, name, where);
  if (auto* l = dynamic_cast<LayerNorm*>(&layer)) return layer_norm(b, *l, in, name);
  if (auto* l = dynamic_cast<Normalization*>(&layer)) return normalization(b, *l, in, name);
  if (auto* l = dynamic_cast<Embedding*>(&layer)) return embedding(b, *l, in, name);
  if (std::string out = activation(b, layer, in, name); !out.empty()) return out;
  if (dynamic_cast<GraphModule*>(&layer))
    throw UnsupportedLayer(fmt::format(
        "{} ({}, type {}) has no ONNX equivalent: graph-network layers gather messages along "
        "each batch's edges, which an ONNX graph of fixed tensor inputs does not carry; models "
        "with graphconv, gcnconv, ginconv or global graph pools cannot be exported",
        where, layer.describe(), layer_type(layer)));
  throw UnsupportedLayer(fmt::format("{} ({}, type {}) has no ONNX translation in scidl", where,
                                     layer.describe(), layer_type(layer)));
}

std::string export_merge(GraphBuilder& b, Module& layer, const std::vector<Value>& in,
                         const std::string& name, const std::string& where) {
  std::vector<std::string> names;
  for (const auto& v : in) names.push_back(v.name);
  if (dynamic_cast<Add*>(&layer)) return b.node(names.size() == 2 ? "Add" : "Sum", names, name);
  if (auto* l = dynamic_cast<Concat*>(&layer)) {
    const int64_t axis = l->axis() < 0 ? l->axis() : l->axis() + 1;  // past the batch dimension
    return b.node("Concat", names, name, {Attribute::of_int("axis", axis)});
  }
  throw UnsupportedLayer(
      fmt::format("{} ({}, type {}) reads {} inputs and has no ONNX translation "
                  "in scidl",
                  where, layer.describe(), layer_type(layer), in.size()));
}

}  // namespace scidl::nn::onnx_export
