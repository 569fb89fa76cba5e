#include "scidl/nn/model_spec.h"

#include <fmt/format.h>

#include "scidl/nn/activation.h"
#include "scidl/nn/batchnorm.h"
#include "scidl/nn/linear.h"

namespace scidl::nn {

using nlohmann::json;

const std::vector<std::string>& layer_types() {
  static const std::vector<std::string> t{"dense", "dropout", "flatten", "batchnorm", "relu",
                                          "tanh", "sigmoid", "leaky_relu", "elu", "softmax",
                                          "log_softmax"};
  return t;
}

namespace {

// Besides the layer types of model_spec.h: {"type": "batchnorm", "momentum": 0.1, "eps": 1e-5}
// is a BatchNorm1d over the previous layer's units, and a dense layer may carry Keras-style
// "kernel_regularizer" / "bias_regularizer" tables {"l1": a, "l2": b}, checked here and turned
// into penalties by optim::regularization_from_spec.

const std::vector<std::string> kActivations{"relu", "tanh", "sigmoid", "leaky_relu", "elu",
                                            "softmax", "log_softmax", "linear", "none"};

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

void check_keys(const json& layer, const std::vector<std::string>& allowed, const std::string& where) {
  for (const auto& [k, v] : layer.items())
    if (std::find(allowed.begin(), allowed.end(), k) == allowed.end())
      throw std::invalid_argument(fmt::format("{}: unknown key '{}'; valid keys are {}", where, k,
                                              fmt::join(allowed, ", ")));
}

template <typename T> T get(const json& j, const std::string& key, const std::string& where) {
  if (!j.contains(key)) throw std::invalid_argument(fmt::format("{}: missing '{}'", where, key));
  try {
    return j.at(key).get<T>();
  } catch (const json::exception&) {
    throw std::invalid_argument(fmt::format("{}: '{}' has the wrong type ({})", where, key,
                                            j.at(key).type_name()));
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
      throw std::invalid_argument(fmt::format("{}: unknown key '{}'; valid keys are l1, l2", at, k));
    if (!v.is_number() || v.get<double>() < 0)
      throw std::invalid_argument(fmt::format("{}.{}: expected a number >= 0, got {}", at, k, v.dump()));
  }
}

}  // namespace

std::shared_ptr<Sequential> build_model(const json& spec, uint64_t seed) {
  check_keys(spec, {"inputs", "layers", "init", "dtype"}, "model");
  int64_t width = get<int64_t>(spec, "inputs", "model");
  if (width <= 0) throw std::invalid_argument("model: 'inputs' must be positive");
  Init init = parse_init(spec.value("init", std::string("kaiming_uniform")));
  std::string dtype_name = spec.value("dtype", std::string("float32"));
  if (dtype_name != "float32" && dtype_name != "float64")
    throw std::invalid_argument("model: dtype must be float32 or float64, got '" + dtype_name + "'");
  DType dtype = dtype_name == "float64" ? DType::Float64 : DType::Float32;
  if (!spec.contains("layers") || !spec["layers"].is_array() || spec["layers"].empty())
    throw std::invalid_argument("model: 'layers' must be a non-empty list of layers");
  Generator gen(seed);
  auto model = std::make_shared<Sequential>();
  int index = 0;
  for (const auto& layer : spec["layers"]) {
    std::string where = fmt::format("model.layers[{}]", index++);
    std::string type = get<std::string>(layer, "type", where);
    int64_t repeat = layer.value("repeat", int64_t{1});
    if (repeat < 1) throw std::invalid_argument(where + ": 'repeat' must be at least 1");
    for (int64_t r = 0; r < repeat; ++r) {
      if (type == "dense") {
        check_keys(layer, {"type", "units", "activation", "bias", "init", "repeat",
                           "kernel_regularizer", "bias_regularizer"},
                   where);
        check_regularizer(layer, "kernel_regularizer", where);
        check_regularizer(layer, "bias_regularizer", where);
        int64_t units = get<int64_t>(layer, "units", where);
        LinearOptions o{layer.value("bias", true),
                        layer.contains("init") ? parse_init(get<std::string>(layer, "init", where)) : init,
                        dtype};
        model->push_back(std::make_shared<Linear>(width, units, o, gen));
        width = units;
        if (auto act = make_activation(layer.value("activation", std::string("linear")), where))
          model->push_back(act);
      } else if (type == "dropout") {
        check_keys(layer, {"type", "rate", "repeat"}, where);
        model->push_back(std::make_shared<Dropout>(get<double>(layer, "rate", where), gen.next_u64()));
      } else if (type == "batchnorm") {
        // Normalises the `width` features of the previous layer (BatchNorm1d over [N, C]).
        check_keys(layer, {"type", "momentum", "eps", "repeat"}, where);
        BatchNormOptions o;
        o.momentum = layer.contains("momentum") ? get<double>(layer, "momentum", where) : o.momentum;
        o.eps = layer.contains("eps") ? get<double>(layer, "eps", where) : o.eps;
        o.dtype = dtype;
        try {
          model->push_back(std::make_shared<BatchNorm1d>(width, o));
        } catch (const std::invalid_argument& e) {
          throw std::invalid_argument(fmt::format("{}: {}", where, e.what()));
        }
      } else if (type == "flatten") {
        check_keys(layer, {"type", "repeat"}, where);
        model->push_back(std::make_shared<Flatten>());
      } else if (std::find(kActivations.begin(), kActivations.end(), type) != kActivations.end()) {
        check_keys(layer, {"type", "repeat"}, where);
        if (auto act = make_activation(type, where)) model->push_back(act);
      } else {
        throw std::invalid_argument(fmt::format("{}: unknown layer type '{}'; choose one of {}",
                                                where, type, fmt::join(layer_types(), ", ")));
      }
    }
  }
  return model;
}

}  // namespace scidl::nn
