// What every binding file shares: NumPy arrays and Python values in and out of scidl's types,
// and the binding functions module.cpp calls.
// Contract: tensor_from_python shares a C-contiguous, writeable float32/float64/int64 array's
// memory (the Tensor keeps the array alive); any other layout is copied, with a warning that says
// so; any other dtype is refused naming it and the three scidl holds. array_from_tensor shares
// the tensor's memory (the array keeps it alive).
#pragma once
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <nlohmann/json.hpp>
#include <string>

#include "scidl/tensor/tensor.h"

namespace scidl::python {

namespace py = pybind11;

// `what` names the argument in messages ("x", "validation_data[1]").
Tensor tensor_from_python(py::handle obj, const std::string& what);
py::array array_from_tensor(const Tensor& t);
// The tensor as `dtype`, a copy only when it differs.
Tensor as_dtype(const Tensor& t, DType dtype);
// DLPack: the tensor as a "dltensor" capsule, and a producer's CPU tensor (anything with
// __dlpack__, or such a capsule) as a Tensor over the same memory.
py::capsule to_dlpack(const Tensor& t);
Tensor from_dlpack(py::handle producer);
DType dtype_from_name(const std::string& name);
// Tensor[key] for ints and slices (python/src/indexing.cpp): a view, gradients flow through.
Tensor tensor_getitem(const Tensor& t, py::handle key);

nlohmann::json json_from_python(py::handle obj, const std::string& what);
py::object python_from_json(const nlohmann::json& j);

void bind_tensor(py::module_& m);
void bind_model(py::module_& m);
void bind_explain(py::module_& m);
void bind_runs(py::module_& m);
void bind_cases(py::module_& m);
void bind_tune(py::module_& m);
void bind_automl(py::module_& m);

}  // namespace scidl::python
