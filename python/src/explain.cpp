// scidl.explain: attributions with Captum's argument names (inputs, target, baselines,
// n_steps, method, internal_batch_size, return_convergence_delta), over explain/, with the GIL
// released while the passes run.
#include <pybind11/stl.h>

#include "convert.h"
#include "model.h"
#include "scidl/explain/integrated_gradients.h"
#include "scidl/explain/saliency.h"

namespace scidl::python {

namespace {

using namespace pybind11::literals;

// Captum's target: None (the only output), one index, or one per example.
explain::Target target_from(py::handle target) {
  if (target.is_none()) return {};
  if (py::isinstance<py::int_>(target)) return explain::Target(target.cast<int64_t>());
  const Tensor t = as_dtype(tensor_from_python(target, "target"), DType::Int64);
  return explain::Target(t.contiguous().to_vector<int64_t>());
}

// Captum's baselines: None (zeros), a number, or an array like one example or the batch.
explain::Baseline baseline_from(py::handle baselines, DType dtype) {
  if (baselines.is_none()) return explain::Baseline::zero();
  if (py::isinstance<py::float_>(baselines) || py::isinstance<py::int_>(baselines))
    return explain::Baseline::scalar(baselines.cast<double>());
  return explain::Baseline::tensor(as_dtype(tensor_from_python(baselines, "baselines"), dtype));
}

py::object integrated_gradients(Model& m, py::handle inputs, py::handle target,
                                py::handle baselines, int n_steps, const std::string& method,
                                py::handle internal_batch_size, bool multiply_by_inputs,
                                bool return_convergence_delta) {
  const Tensor x = m.inputs(inputs, "inputs");
  explain::IntegratedGradientsOptions o;
  o.n_steps = n_steps;
  o.rule = explain::parse_integration_rule(method);
  o.baseline = baseline_from(baselines, x.dtype());
  o.internal_batch_size = internal_batch_size.is_none() ? 0 : internal_batch_size.cast<int64_t>();
  o.multiply_by_inputs = multiply_by_inputs;
  const explain::Target t = target_from(target);
  explain::Attribution a;
  {
    py::gil_scoped_release release;
    a = explain::integrated_gradients(*m.module, x, t, o);
  }
  py::array attributions = array_from_tensor(a.attributions);
  if (!return_convergence_delta) return attributions;
  return py::make_tuple(attributions, array_from_tensor(a.convergence_delta));
}

py::array saliency(Model& m, py::handle inputs, py::handle target, bool abs) {
  const Tensor x = m.inputs(inputs, "inputs");
  const explain::Target t = target_from(target);
  Tensor out;
  {
    py::gil_scoped_release release;
    out = explain::saliency(*m.module, x, t, explain::SaliencyOptions{abs});
  }
  return array_from_tensor(out);
}

py::array input_x_gradient(Model& m, py::handle inputs, py::handle target) {
  const Tensor x = m.inputs(inputs, "inputs");
  const explain::Target t = target_from(target);
  Tensor out;
  {
    py::gil_scoped_release release;
    out = explain::input_x_gradient(*m.module, x, t);
  }
  return array_from_tensor(out);
}

}  // namespace

void bind_explain(py::module_& m) {
  py::module_ e = m.def_submodule("explain", "Attributions, with Captum's argument names.");
  e.def("integrated_gradients", &integrated_gradients, "model"_a, "inputs"_a, py::kw_only(),
        "target"_a = py::none(), "baselines"_a = py::none(), "n_steps"_a = 50,
        "method"_a = "gausslegendre", "internal_batch_size"_a = py::none(),
        "multiply_by_inputs"_a = true, "return_convergence_delta"_a = false);
  e.def("saliency", &saliency, "model"_a, "inputs"_a, py::kw_only(), "target"_a = py::none(),
        "abs"_a = true);
  e.def("input_x_gradient", &input_x_gradient, "model"_a, "inputs"_a, py::kw_only(),
        "target"_a = py::none());
}

}  // namespace scidl::python
