// scidl._core.Model: build from a spec, compile, predict, evaluate, save/load, weights as
// arrays with PyTorch's names, and the forward with autograd for a user's own loop.
#include "model.h"

#include <pybind11/stl.h>

#include <fmt/format.h>

#include "scidl/nn/model_io.h"
#include "scidl/nn/model_spec.h"
#include "scidl/ops/shape_ops.h"
#include "scidl/optim/regularization.h"
#include "scidl/train/losses.h"

namespace scidl::python {

namespace {
using namespace pybind11::literals;
}

void Model::compile(const nlohmann::json& optimizer_spec, const std::string& loss_name,
                    const std::vector<std::string>& metric_names) {
  const optim::OptimizerSpec o = optim::optimizer_spec_from_json(optimizer_spec);
  train::make_loss(loss_name);  // an unknown name throws, listing the valid ones
  for (const auto& metric : metric_names)
    if (!train::metric_fits_loss(metric, loss_name))
      throw py::value_error(
          fmt::format("metric '{}' does not fit the loss '{}'; metrics for it: {}", metric,
                      loss_name, fmt::join(train::metrics_for_loss(loss_name), ", ")));
  trainer.reset();
  optimizer = optim::make_optimizer(o, module->parameters());
  trainer = std::make_unique<train::Trainer>(*module, *optimizer, loss_name, metric_names);
  trainer->set_regularization(optim::regularization_from_spec(spec, *module));
  optimizer_json = optim::to_json(o);
  loss = loss_name;
  metrics = metric_names;
  compiled = true;
}

void Model::require_compiled(const char* call) const {
  if (!compiled)
    throw py::value_error(fmt::format(
        "{} needs a loss: call model.compile(optimizer=\"adam\", loss=\"mse\") first", call));
}

DType Model::dtype() const { return nn::model_dtype(spec); }

Tensor Model::inputs(py::handle x, const std::string& what) const {
  Tensor t = tensor_from_python(x, what);
  // Integers become values, as Keras takes them, unless the model looks them up (embedding).
  bool looks_up = false;
  for (const auto& layer : spec.value("layers", nlohmann::json::array()))
    looks_up = looks_up || layer.value("type", "") == "embedding";
  if (is_floating(t.dtype()) || !looks_up) t = as_dtype(t, dtype());
  if (module->input_names().size() == 1) nn::check_input_shape(spec, t.shape(), what);
  return t;
}

Tensor Model::targets(py::handle y, const std::string& what, int64_t rows) const {
  Tensor t = tensor_from_python(y, what);
  if (t.dim() == 0 || t.shape()[0] != rows)
    throw py::value_error(
        fmt::format("{} has shape {} but the inputs have {} rows: give one target "
                    "row per example",
                    what, shape_str(t.shape()), rows));
  if (train::loss_takes_class_indices(loss)) {
    if (t.dtype() == DType::Int64) return t;
    const Tensor d = as_dtype(t, DType::Float64).contiguous();
    const double* v = d.data<double>();
    for (int64_t i = 0; i < d.numel(); ++i)
      if (v[i] != std::floor(v[i]))
        throw py::value_error(fmt::format(
            "{}: the loss '{}' takes class indices (int64), but example {} holds {} ({} array)",
            what, loss, i + 1, v[i], dtype_name(t.dtype())));
    return as_dtype(t, DType::Int64);
  }
  t = as_dtype(t, dtype());
  if (t.dim() == 1) t = reshape(t, {rows, 1});  // one value per example, as Keras takes y
  return t;
}

py::dict logs_to_python(const train::Logs& logs) {
  py::dict d;
  for (const auto& [k, v] : logs) d[py::str(k)] = v;
  return d;
}

namespace {

std::shared_ptr<Model> build(py::handle spec_obj, uint64_t seed) {
  auto m = std::make_shared<Model>();
  m->spec = json_from_python(spec_obj, "spec");
  m->module = nn::build_model(m->spec, seed);
  m->saved_spec = m->spec;
  return m;
}

py::array predict(Model& m, py::handle x, int64_t batch_size) {
  if (batch_size < 1)
    throw py::value_error(fmt::format("batch_size must be >= 1, got {}", batch_size));
  const Tensor in = m.inputs(x, "x");
  Tensor out;
  {
    py::gil_scoped_release release;
    out = train::predict(*m.module, in, batch_size);
  }
  return array_from_tensor(out);
}

py::dict evaluate(Model& m, py::handle x, py::handle y, int64_t batch_size) {
  m.require_compiled("evaluate");
  if (batch_size < 1)
    throw py::value_error(fmt::format("batch_size must be >= 1, got {}", batch_size));
  data::Dataset d;
  d.x = m.inputs(x, "x");
  d.y = m.targets(y, "y", d.x.shape()[0]);
  train::Logs logs;
  {
    py::gil_scoped_release release;
    logs = m.trainer->evaluate(d, batch_size);
  }
  return logs_to_python(logs);
}

void save(const Model& m, const std::string& path) {
  nlohmann::json extra = nlohmann::json::object();
  if (m.compiled)
    extra["compile"] = {{"optimizer", m.optimizer_json}, {"loss", m.loss}, {"metrics", m.metrics}};
  py::gil_scoped_release release;
  io::save_model(path, *m.module, m.saved_spec, extra);
}

std::shared_ptr<Model> load(const std::string& path) {
  io::LoadedModel loaded;
  {
    py::gil_scoped_release release;
    loaded = io::load_model(path);
  }
  auto m = std::make_shared<Model>();
  m->spec = loaded.spec;
  m->saved_spec = loaded.spec;
  m->module = loaded.model;
  if (loaded.meta.contains("compile")) {  // saved by Python after compile: compile it again
    const auto& c = loaded.meta["compile"];
    m->compile(c.at("optimizer"), c.at("loss").get<std::string>(),
               c.at("metrics").get<std::vector<std::string>>());
  }
  return m;
}

py::dict state_dict(const Model& m) {
  py::dict d;
  for (const auto& [name, t] : m.module->state_dict())
    d[py::str(name)] = array_from_tensor(t.clone());  // a copy: later steps do not change it
  return d;
}

void load_state_dict(Model& m, py::dict arrays, bool strict) {
  const auto current = m.module->state_dict();
  std::map<std::string, Tensor> state;
  for (auto [k, v] : arrays) {
    const std::string name = py::str(k).cast<std::string>();
    Tensor t = tensor_from_python(v, "weights['" + name + "']");
    auto it = current.find(name);
    if (it != current.end() && t.dtype() != it->second.dtype()) {
      if (!is_floating(t.dtype()) || !is_floating(it->second.dtype()))
        throw py::value_error(fmt::format("weights['{}'] is {}, but the model's '{}' is {}", name,
                                          t.str(), name, it->second.str()));
      t = t.to(it->second.dtype());
    }
    state[name] = t;
  }
  m.module->load_state_dict(state, strict);
}

}  // namespace

void bind_model(py::module_& m) {
  py::class_<Model, std::shared_ptr<Model>>(m, "Model")
      .def(py::init(&build), "spec"_a, "seed"_a = 0)
      .def_property_readonly("spec", [](const Model& self) { return python_from_json(self.spec); })
      .def_property_readonly("saved_spec",
                             [](const Model& self) { return python_from_json(self.saved_spec); })
      .def_property_readonly("compiled", [](const Model& self) { return self.compiled; })
      .def_property_readonly("loss", [](const Model& self) { return self.loss; })
      .def_property_readonly("metrics", [](const Model& self) { return self.metrics; })
      .def_property_readonly(
          "optimizer", [](const Model& self) { return python_from_json(self.optimizer_json); })
      .def_property_readonly("dtype", [](const Model& self) { return dtype_name(self.dtype()); })
      .def_property_readonly("input_names",
                             [](const Model& self) { return self.module->input_names(); })
      .def(
          "compile",
          [](Model& self, py::handle optimizer, const std::string& loss,
             const std::vector<std::string>& metrics) {
            self.compile(json_from_python(optimizer, "optimizer"), loss, metrics);
          },
          "optimizer"_a, "loss"_a, "metrics"_a = std::vector<std::string>{})
      .def("summary", [](const Model& self) { return self.module->summary(); })
      .def("count_params", [](const Model& self) { return self.module->parameter_count(); })
      .def("predict", &predict, "x"_a, "batch_size"_a = 4096)
      .def("evaluate", &evaluate, "x"_a, "y"_a, "batch_size"_a = 1024)
      .def("fit", &fit, "x"_a, "y"_a, "validation_x"_a, "validation_y"_a, "epochs"_a,
           "batch_size"_a, "shuffle"_a, "seed"_a, "initial_epoch"_a, "callbacks"_a,
           "python_callbacks"_a, "progress"_a)
      .def("save", &save, "path"_a)
      .def_static("load", &load, "path"_a)
      .def("state_dict", &state_dict)
      .def("load_state_dict", &load_state_dict, "weights"_a, "strict"_a = true)
      .def("parameters", [](const Model& self) { return self.module->parameters(); })
      .def("named_parameters",
           [](const Model& self) {
             py::dict d;
             for (const auto& [name, t] : self.module->named_parameters()) d[py::str(name)] = t;
             return d;
           })
      .def(
          "train", [](Model& self, bool on) { self.module->train(on); }, "mode"_a = true)
      .def("eval", [](Model& self) { self.module->eval(); })
      .def_property_readonly("training",
                             [](const Model& self) { return self.module->is_training(); })
      .def(
          "forward",
          [](Model& self, py::handle x) {
            const Tensor in = self.inputs(x, "x");
            py::gil_scoped_release release;
            return self.module->forward(in);
          },
          "x"_a, "The model's output for x, recording autograd history unless in no_grad.");
}

}  // namespace scidl::python
