#include "scidl/nn/model_spec.h"

#include <fmt/format.h>

#include <map>
#include <set>

#include "scidl/nn/activation.h"
#include "scidl/nn/batchnorm.h"
#include "scidl/nn/conv.h"
#include "scidl/nn/embedding.h"
#include "scidl/nn/graph.h"
#include "scidl/nn/graph_conv.h"
#include "scidl/nn/layer_norm.h"
#include "scidl/nn/layer_spec.h"
#include "scidl/nn/linear.h"
#include "scidl/nn/merge.h"
#include "scidl/nn/normalization.h"
#include "scidl/nn/pool.h"
#include "scidl/nn/recurrent.h"
#include "scidl/nn/sequential.h"
#include "scidl/nn/spec_reading.h"

namespace scidl::nn {

using nlohmann::json;
using spec::check_keys;
using spec::get;
using spec::get_or;

const std::vector<std::string>& layer_types() {
  static const std::vector<std::string> t{
      "dense",          "dropout",       "flatten",         "batchnorm",
      "layernorm",      "normalization", "embedding",       "relu",
      "tanh",           "sigmoid",       "leaky_relu",      "elu",
      "gelu",           "silu",          "softmax",         "log_softmax",
      "conv2d",         "maxpool2d",     "avgpool2d",       "global_avg_pool",
      "dropout2d",      "add",           "concat",          "graphconv",
      "gcnconv",        "ginconv",       "global_add_pool", "global_mean_pool",
      "global_max_pool"};
  return t;
}

namespace {

// Besides the layer types of model_spec.h: {"type": "batchnorm", "momentum": 0.1, "eps": 1e-5}
// is a BatchNorm1d over the previous layer's units, and a dense layer may carry Keras-style
// "kernel_regularizer" / "bias_regularizer" tables {"l1": a, "l2": b}, checked here and turned
// into penalties by optim::regularization_from_spec.

const std::vector<std::string> kActivations{
    "relu", "tanh", "sigmoid", "leaky_relu", "elu", "softmax", "log_softmax", "linear", "none"};

ModulePtr make_activation(const std::string& name, const std::string& where) {
  if (name == "relu") return std::make_shared<ReLU>();
  if (name == "tanh") return std::make_shared<Tanh>();
  if (name == "sigmoid") return std::make_shared<Sigmoid>();
  if (name == "leaky_relu") return std::make_shared<LeakyReLU>();
  if (name == "elu") return std::make_shared<ELU>();
  if (name == "softmax") return std::make_shared<Softmax>();
  if (name == "log_softmax") return std::make_shared<LogSoftmax>();
  if (name == "linear" || name == "none") return nullptr;
  throw std::invalid_argument(fmt::format("{}: unknown activation '{}'; choose one of {}", where,
                                          name, fmt::join(kActivations, ", ")));
}

// A layer's activation module (null for none); `activation` defaults to "linear".
std::shared_ptr<Module> activation_of(const json& layer, const std::string& where) {
  return make_activation(get_or<std::string>(layer, "activation", "linear", where), where);
}

// An initialiser by name, the message naming the key it came from.
Init init_named(const json& j, const std::string& where) {
  try {
    return parse_init(get<std::string>(j, "init", where));
  } catch (const std::invalid_argument& e) {
    const std::string what = e.what();
    throw std::invalid_argument(what.rfind(where, 0) == 0 ? what : where + ".init: " + what);
  }
}

void check_regularizer(const json& layer, const char* key, const std::string& where) {
  if (!layer.contains(key)) return;
  const json& r = layer[key];
  const std::string at = fmt::format("{}.{}", where, key);
  if (!r.is_object())
    throw std::invalid_argument(fmt::format(
        "{}: expected a table like {{\"l1\": 0.0, \"l2\": 1e-4}}, got {}", at, r.dump()));
  for (const auto& [k, v] : r.items()) {
    if (k != "l1" && k != "l2")
      throw std::invalid_argument(
          fmt::format("{}: unknown key '{}'; valid keys are l1, l2", at, k));
    if (!v.is_number() || v.get<double>() < 0)
      throw std::invalid_argument(
          fmt::format("{}.{}: expected a number >= 0, got {}", at, k, v.dump()));
  }
}

// ---- Image layers (cnn): conv2d, maxpool2d, avgpool2d, global_avg_pool, dropout2d ----------
// `shape` is the per-example shape flowing through the model ([features] or [C, H, W]).

std::array<int64_t, 2> get_pair(const json& layer, const std::string& key, int64_t fallback,
                                const std::string& where) {
  if (!layer.contains(key)) return {fallback, fallback};
  const json& v = layer.at(key);
  if (v.is_number_integer()) return {v.get<int64_t>(), v.get<int64_t>()};
  if (v.is_array() && v.size() == 2 && v[0].is_number_integer() && v[1].is_number_integer())
    return {v[0].get<int64_t>(), v[1].get<int64_t>()};
  throw std::invalid_argument(
      fmt::format("{}: '{}' must be an integer or [height, width], got {}", where, key, v.dump()));
}

Padding2d get_padding(const json& layer, const std::string& where) {
  if (!layer.contains("padding")) return Padding2d::valid();
  const json& v = layer.at("padding");
  try {
    if (v.is_string()) return parse_padding(v.get<std::string>());
  } catch (const std::invalid_argument& e) {
    throw std::invalid_argument(fmt::format("{}: {}", where, e.what()));
  }
  auto p = get_pair(layer, "padding", 0, where);
  return Padding2d::symmetric(p[0], p[1]);
}

void need_image(const Shape& shape, const std::string& type, const std::string& where) {
  if (shape.size() != 3)
    throw std::invalid_argument(fmt::format(
        "{}: {} needs images [channels, height, width] but gets shape {}; give the model "
        "inputs = [C, H, W] and put image layers before 'flatten'",
        where, type, shape_str(shape)));
}

// Adds the layer and updates `shape`; errors name the layer and the sizes that do not fit.
void add_image_layer(std::vector<ModulePtr>& model, const json& layer, const std::string& type,
                     Shape& shape, Init init, DType dtype, Generator& gen,
                     const std::string& where) {
  need_image(shape, type, where);
  try {
    if (type == "conv2d") {
      check_keys(layer,
                 {"type", "filters", "kernel_size", "strides", "padding", "dilation", "activation",
                  "bias", "init", "repeat"},
                 where);
      Conv2dLayerOptions o;
      o.stride = get_pair(layer, "strides", 1, where);
      o.padding = get_padding(layer, where);
      o.dilation = get_pair(layer, "dilation", 1, where);
      o.bias = get_or(layer, "bias", true, where);
      o.init = layer.contains("init") ? init_named(layer, where) : init;
      o.dtype = dtype;
      auto conv = std::make_shared<Conv2d>(shape[0], get<int64_t>(layer, "filters", where),
                                           get_pair(layer, "kernel_size", 3, where), o, gen);
      shape = conv->output_shape(shape);
      model.push_back(conv);
      if (auto act = activation_of(layer, where)) model.push_back(act);
    } else if (type == "maxpool2d" || type == "avgpool2d") {
      check_keys(layer, {"type", "pool_size", "strides", "padding", "repeat"}, where);
      Pool2dOptions o;
      o.kernel = get_pair(layer, "pool_size", 2, where);
      o.stride = get_pair(layer, "strides", 0, where);
      o.padding = get_padding(layer, where);
      if (type == "maxpool2d") {
        auto pool = std::make_shared<MaxPool2d>(o);
        shape = pool->output_shape(shape);
        model.push_back(pool);
      } else {
        auto pool = std::make_shared<AvgPool2d>(o);
        shape = pool->output_shape(shape);
        model.push_back(pool);
      }
    } else if (type == "global_avg_pool") {
      check_keys(layer, {"type"}, where);
      model.push_back(std::make_shared<GlobalAvgPool2d>());
      shape = {shape[0]};
    } else {  // dropout2d
      check_keys(layer, {"type", "rate", "repeat"}, where);
      model.push_back(
          std::make_shared<Dropout2d>(get<double>(layer, "rate", where), gen.next_u64()));
    }
  } catch (const std::invalid_argument& e) {
    std::string msg = e.what();
    if (msg.rfind(where, 0) == 0) throw;
    throw std::invalid_argument(
        fmt::format("{} ({} on input {}): {}", where, type, shape_str(shape), msg));
  }
}

bool is_image_layer(const std::string& type) {
  return type == "conv2d" || type == "maxpool2d" || type == "avgpool2d" ||
         type == "global_avg_pool" || type == "dropout2d";
}

}  // namespace

DType model_dtype(const json& spec) {
  return spec.value("dtype", std::string("float32")) == "float64" ? DType::Float64 : DType::Float32;
}

Shape model_input_shape(const json& spec) {
  if (!spec.contains("inputs")) throw std::invalid_argument("model: missing 'inputs'");
  const json& v = spec.at("inputs");
  if (v.is_object()) {
    const auto named = model_inputs(spec);
    if (named.size() != 1)
      throw std::invalid_argument(
          fmt::format("model: this model has {} inputs; give each its data by name", named.size()));
    return named[0].second;
  }
  Shape shape;
  if (v.is_number_integer()) {
    shape = {v.get<int64_t>()};
  } else if (v.is_array() && v.size() >= 1 && v.size() <= 3) {  // features, [L, F], images
    for (const auto& d : v) {
      if (!d.is_number_integer()) shape.clear();
      if (!d.is_number_integer()) break;
      shape.push_back(d.get<int64_t>());
    }
  }
  bool positive = !shape.empty();
  for (int64_t d : shape) positive = positive && d > 0;
  if (!positive)
    throw std::invalid_argument(fmt::format(
        "model: 'inputs' must be a positive number of features or [channels, height, width] "
        "for images, got {}",
        v.dump()));
  return shape;
}

void check_input_shape(const json& spec, const Shape& data_shape, const std::string& source) {
  Shape want = model_input_shape(spec);
  Shape got(data_shape.begin() + (data_shape.empty() ? 0 : 1), data_shape.end());
  if (got.empty()) got = {1};
  if (got == want) return;
  throw std::invalid_argument(fmt::format(
      "{}: the model takes inputs of shape {} but the data's examples have shape {} ({} rows); "
      "set model.inputs to {} or use data of the model's shape",
      source, shape_str(want), shape_str(got), data_shape.empty() ? 0 : data_shape[0],
      got.size() == 1 ? std::to_string(got[0]) : shape_str(got)));
}

namespace {
bool is_merge(const std::string& type) { return type == "add" || type == "concat"; }
}  // namespace

namespace spec {

// Appends one layer (and its activation) taking per-example `shape`, which it updates. Errors
// name the layer (`where`) and the key or shapes at fault.
void add_layer(std::vector<ModulePtr>& out, const json& layer, const std::string& type,
               Shape& shape, BuildContext& ctx, const std::string& where,
               const std::vector<std::string>& extra_keys) {
  auto keys = [&](std::vector<std::string> k) {
    k.insert(k.end(), extra_keys.begin(), extra_keys.end());
    check_keys(layer, k, where);
  };
  const int64_t width = shape.back();
  if (type == "dense") {
    if (shape.size() != 1)
      throw std::invalid_argument(fmt::format(
          "{}: dense needs flat inputs but gets shape {}; add {{type = \"flatten\"}} before it",
          where, shape_str(shape)));
    keys({"type", "units", "activation", "bias", "init", "kernel_regularizer", "bias_regularizer"});
    check_regularizer(layer, "kernel_regularizer", where);
    check_regularizer(layer, "bias_regularizer", where);
    int64_t units = get<int64_t>(layer, "units", where);
    LinearOptions o{get_or(layer, "bias", true, where),
                    layer.contains("init") ? init_named(layer, where) : ctx.init, ctx.dtype};
    out.push_back(std::make_shared<Linear>(width, units, o, ctx.gen));
    shape = {units};
    if (auto act = activation_of(layer, where)) out.push_back(act);
  } else if (type == "graphconv" || type == "gcnconv") {
    // Message passing over the batch's graph (nn/graph_conv.h): node features [F] -> [units].
    if (shape.size() != 1)
      throw std::invalid_argument(fmt::format("{}: {} takes node features [F], got shape {}", where,
                                              type, shape_str(shape)));
    const int64_t units = get<int64_t>(layer, "units", where);
    if (type == "graphconv") {
      keys({"type", "units", "aggr", "bias", "activation"});
      out.push_back(std::make_shared<GraphConv>(
          width, units, get_or<std::string>(layer, "aggr", "add", where),
          get_or(layer, "bias", true, where), ctx.dtype, ctx.gen));
    } else {
      keys({"type", "units", "improved", "cached", "add_self_loops", "normalize", "bias",
            "activation"});
      GcnOptions o;
      o.improved = get_or(layer, "improved", false, where);
      o.cached = get_or(layer, "cached", false, where);
      o.normalize = get_or(layer, "normalize", true, where);
      o.add_self_loops = get_or(layer, "add_self_loops", o.normalize, where);
      o.bias = get_or(layer, "bias", true, where);
      try {
        out.push_back(std::make_shared<GCNConv>(width, units, o, ctx.dtype, ctx.gen));
      } catch (const std::invalid_argument& e) {
        throw std::invalid_argument(fmt::format("{}: {}", where, e.what()));
      }
    }
    shape = {units};
    if (auto act = activation_of(layer, where)) out.push_back(act);
  } else if (type == "ginconv") {
    // GIN: nn is a list of layers (dense, activations, ...) applied to (1 + eps) x_i + sum x_j.
    keys({"type", "nn", "eps", "train_eps", "activation"});
    if (!layer.contains("nn") || !layer["nn"].is_array() || layer["nn"].empty())
      throw std::invalid_argument(fmt::format(
          "{}: ginconv needs nn = [ ...layers... ], the MLP applied after the sum", where));
    std::vector<ModulePtr> mlp;
    Shape inner = shape;
    for (size_t i = 0; i < layer["nn"].size(); ++i) {
      const auto& sub = layer["nn"][i];
      const std::string sub_where = fmt::format("{}.nn[{}]", where, i);
      add_layer(mlp, sub, get<std::string>(sub, "type", sub_where), inner, ctx, sub_where, {});
    }
    out.push_back(std::make_shared<GINConv>(std::make_shared<Sequential>(mlp), width,
                                            get_or(layer, "eps", 0.0, where),
                                            get_or(layer, "train_eps", false, where), ctx.dtype));
    shape = inner;
    if (auto act = activation_of(layer, where)) out.push_back(act);
  } else if (type == "global_add_pool" || type == "global_mean_pool" || type == "global_max_pool") {
    keys({"type"});
    out.push_back(std::make_shared<GlobalPool>(type.substr(7, type.size() - 12)));
  } else if (type == "dropout") {
    keys({"type", "rate"});
    out.push_back(std::make_shared<Dropout>(get<double>(layer, "rate", where), ctx.gen.next_u64()));
  } else if (type == "batchnorm") {
    // Normalises the previous layer's features (BatchNorm1d) or channels (BatchNorm2d).
    keys({"type", "momentum", "eps"});
    BatchNormOptions o;
    o.momentum = layer.contains("momentum") ? get<double>(layer, "momentum", where) : o.momentum;
    o.eps = layer.contains("eps") ? get<double>(layer, "eps", where) : o.eps;
    o.dtype = ctx.dtype;
    try {
      if (shape.size() == 3)  // images: BatchNorm2d over the channels
        out.push_back(std::make_shared<BatchNorm2d>(shape[0], o));
      else
        out.push_back(std::make_shared<BatchNorm1d>(width, o));
    } catch (const std::invalid_argument& e) {
      throw std::invalid_argument(fmt::format("{}: {}", where, e.what()));
    }
  } else if (type == "layernorm") {
    keys({"type", "eps"});
    out.push_back(std::make_shared<LayerNorm>(width, get_or<double>(layer, "eps", 1e-5, where),
                                              true, ctx.dtype));
  } else if (type == "normalization") {
    keys({"type", "invert"});
    out.push_back(std::make_shared<Normalization>(width, ctx.dtype,
                                                  get_or<bool>(layer, "invert", false, where)));
  } else if (type == "embedding") {
    keys({"type", "input_dim", "output_dim"});
    const int64_t num = get<int64_t>(layer, "input_dim", where);
    const int64_t dim = get<int64_t>(layer, "output_dim", where);
    try {
      out.push_back(std::make_shared<Embedding>(num, dim, ctx.dtype, ctx.gen));
    } catch (const std::invalid_argument& e) {
      throw std::invalid_argument(fmt::format("{}: {}", where, e.what()));
    }
    shape.push_back(dim);
  } else if (type == "lstm" || type == "gru") {
    keys({"type", "units", "num_layers", "dropout", "return_sequences", "batch_first", "bias"});
    if (shape.size() != 2)
      throw std::invalid_argument(fmt::format(
          "{}: {} needs sequences [time, features] per example but gets shape {}; give the "
          "model inputs = [steps, features]",
          where, type, shape_str(shape)));
    RecurrentOptions o;
    o.num_layers = get_or<int64_t>(layer, "num_layers", 1, where);
    o.dropout = get_or<double>(layer, "dropout", 0.0, where);
    o.return_sequences = get_or(layer, "return_sequences", false, where);
    o.batch_first = get_or(layer, "batch_first", true, where);
    o.bias = get_or(layer, "bias", true, where);
    o.dtype = ctx.dtype;
    const int64_t units = get<int64_t>(layer, "units", where);
    try {
      if (type == "lstm")
        out.push_back(std::make_shared<LSTM>(width, units, o, ctx.gen));
      else
        out.push_back(std::make_shared<GRU>(width, units, o, ctx.gen));
    } catch (const std::invalid_argument& e) {
      throw std::invalid_argument(fmt::format("{}: {}", where, e.what()));
    }
    shape = o.return_sequences ? Shape{shape[0], units} : Shape{units};
  } else if (type == "gelu") {
    keys({"type", "approximate"});
    const auto approx = get_or<std::string>(layer, "approximate", "none", where);
    if (approx != "none" && approx != "tanh")
      throw std::invalid_argument(
          fmt::format("{}: 'approximate' must be \"none\" or \"tanh\", got '{}'", where, approx));
    out.push_back(std::make_shared<GELU>(approx == "tanh"));
  } else if (type == "silu") {
    keys({"type"});
    out.push_back(std::make_shared<SiLU>());
  } else if (type == "flatten") {
    keys({"type"});
    out.push_back(std::make_shared<Flatten>());
    shape = {numel_of(shape)};
  } else if (is_image_layer(type)) {  // (cnn)
    json plain = layer;  // the image layers check their own keys; a graph's are checked here
    for (const auto& k : extra_keys)
      if (k != "repeat") plain.erase(k);
    add_image_layer(out, plain, type, shape, ctx.init, ctx.dtype, ctx.gen, where);
  } else if (std::find(kActivations.begin(), kActivations.end(), type) != kActivations.end()) {
    keys({"type"});
    if (auto act = make_activation(type, where)) out.push_back(act);
  } else if (is_merge(type)) {
    throw std::invalid_argument(fmt::format(
        "{}: {} joins several inputs; name them with inputs = [\"a\", \"b\"] (a model graph: "
        "give every layer a name)",
        where, type));
  } else {
    throw std::invalid_argument(fmt::format("{}: unknown layer type '{}'; choose one of {}", where,
                                            type, fmt::join(layer_types(), ", ")));
  }
}

}  // namespace spec

namespace {
using spec::BuildContext;

BuildContext context_of(const json& spec, uint64_t seed) {
  BuildContext ctx;
  ctx.init = spec.contains("init") ? init_named(spec, "model") : Init::KaimingUniform;
  std::string dtype_name = get_or<std::string>(spec, "dtype", "float32", "model");
  if (dtype_name != "float32" && dtype_name != "float64")
    throw std::invalid_argument("model.dtype: must be float32 or float64, got '" + dtype_name +
                                "'");
  ctx.dtype = dtype_name == "float64" ? DType::Float64 : DType::Float32;
  ctx.gen = Generator(seed);
  if (!spec.contains("layers") || !spec["layers"].is_array() || spec["layers"].empty())
    throw std::invalid_argument("model: 'layers' must be a non-empty list of layers");
  return ctx;
}

std::shared_ptr<Sequential> build_stack(const json& spec, BuildContext& ctx) {
  Shape shape = model_input_shape(spec);  // per example: [features] or [C, H, W]
  std::vector<ModulePtr> modules;
  int index = 0;
  for (const auto& layer : spec["layers"]) {
    std::string where = fmt::format("model.layers[{}]", index++);
    std::string type = get<std::string>(layer, "type", where);
    int64_t repeat = get_or<int64_t>(layer, "repeat", 1, where);
    if (repeat < 1) throw std::invalid_argument(where + ": 'repeat' must be at least 1");
    for (int64_t r = 0; r < repeat; ++r)
      spec::add_layer(modules, layer, type, shape, ctx, where, {"repeat"});
  }
  return std::make_shared<Sequential>(std::move(modules));
}

}  // namespace

bool is_graph_spec(const json& spec) {
  if (spec.contains("inputs") && spec["inputs"].is_object()) return true;
  if (spec.contains("output")) return true;
  if (spec.contains("layers") && spec["layers"].is_array())
    for (const auto& l : spec["layers"])
      if (l.is_object() && (l.contains("name") || l.contains("inputs"))) return true;
  return false;
}

std::vector<std::pair<std::string, Shape>> model_inputs(const json& spec) {
  if (!spec.contains("inputs")) throw std::invalid_argument("model: missing 'inputs'");
  const json& v = spec.at("inputs");
  if (!v.is_object()) return {{"x", model_input_shape(spec)}};
  if (v.empty()) throw std::invalid_argument("model: 'inputs' names no input");
  // In the order the layers first read them (JSON objects have no order of their own).
  std::vector<std::string> order;
  if (spec.contains("layers") && spec["layers"].is_array())
    for (const auto& l : spec["layers"])
      if (l.is_object() && l.contains("inputs") && l["inputs"].is_array())
        for (const auto& n : l["inputs"])
          if (n.is_string() && v.contains(n.get<std::string>()) &&
              std::find(order.begin(), order.end(), n.get<std::string>()) == order.end())
            order.push_back(n.get<std::string>());
  for (const auto& [name, shape] : v.items())
    if (std::find(order.begin(), order.end(), name) == order.end()) order.push_back(name);
  std::vector<std::pair<std::string, Shape>> out;
  for (const auto& name : order) {
    spec::check_layer_name(name, "model.inputs");
    json one{{"inputs", v.at(name)}};
    try {
      out.emplace_back(name, model_input_shape(one));
    } catch (const std::invalid_argument& e) {
      throw std::invalid_argument(fmt::format("model.inputs.{}: {}", name, e.what()));
    }
  }
  return out;
}

std::shared_ptr<Sequential> build_sequential(const json& spec, uint64_t seed) {
  if (is_graph_spec(spec))
    throw std::invalid_argument("model: a graph of named layers where a stack is needed");
  return std::dynamic_pointer_cast<Sequential>(build_model(spec, seed));
}

ModulePtr build_model(const json& spec, uint64_t seed) {
  // input_range: what the model was trained on, stored by `scidl train` (train/input_range.h)
  // input_columns: the CSV columns of each named input, stored by `scidl train` for predict
  // window: the points and columns of a sequence model's input windows (for roll-outs)
  // table: the columns, targets and classes of a model trained on a table (train/model_table.h)
  check_keys(spec,
             {"inputs", "layers", "init", "dtype", "input_range", "output", "input_columns",
              "window", "table"},
             "model");
  BuildContext ctx = context_of(spec, seed);
  if (is_graph_spec(spec)) return spec::build_graph(spec, ctx);
  return build_stack(spec, ctx);
}

}  // namespace scidl::nn
