// scidl.Tensor: NumPy in and out without copying (the buffer protocol, __array__), and the
// autograd a user's own loop needs: requires_grad, arithmetic, matmul, activations,
// reductions, backward() and .grad, and grad mode for `with scidl.no_grad():`.
#include <pybind11/stl.h>

#include <fmt/format.h>

#include "convert.h"
#include "scidl/autograd/grad_mode.h"
#include "scidl/ops/ops.h"
#include "scidl/tensor/random.h"

namespace scidl::python {

namespace {

using namespace pybind11::literals;

// The other operand of a binary operator: a Tensor, an array, or a number in this tensor's
// dtype (as PyTorch treats `t * 2`).
Tensor operand(const Tensor& self, py::handle other) {
  if (py::isinstance<py::float_>(other) || py::isinstance<py::int_>(other))
    return scalar_tensor(other.cast<double>(), self.dtype());
  return tensor_from_python(other, "operand");
}

std::string repr(const Tensor& t) {
  py::object values = py::repr(array_from_tensor(t.detach()));
  return fmt::format("scidl.Tensor({}, dtype={}{})", values.cast<std::string>(),
                     dtype_name(t.dtype()), t.requires_grad() ? ", requires_grad=True" : "");
}

std::vector<int64_t> dims_of(py::object dim) {
  if (dim.is_none()) return {};
  if (py::isinstance<py::int_>(dim)) return {dim.cast<int64_t>()};
  return dim.cast<std::vector<int64_t>>();
}

Tensor make_tensor(py::handle data, bool requires_grad, py::object dtype) {
  Tensor t = tensor_from_python(data, "data");
  if (!dtype.is_none()) t = as_dtype(t, dtype_from_name(py::str(dtype).cast<std::string>()));
  if (requires_grad) {
    if (!is_floating(t.dtype()))
      throw py::value_error(fmt::format(
          "requires_grad needs a float32 or float64 tensor, got {}: only floating-point values "
          "have gradients",
          dtype_name(t.dtype())));
    t = t.detach();  // a leaf of its own, sharing the array's memory
    t.requires_grad_(true);
  }
  return t;
}

}  // namespace

void bind_tensor(py::module_& m) {
  py::class_<Tensor>(m, "Tensor", py::buffer_protocol())
      .def(py::init(&make_tensor), "data"_a, py::kw_only(), "requires_grad"_a = false,
           "dtype"_a = py::none(),
           "A tensor over `data` (a NumPy array or anything numpy.asarray takes); a C-contiguous "
           "float32, float64 or int64 array is shared, not copied.")
      .def_buffer([](Tensor& t) {
        std::vector<py::ssize_t> strides;
        for (auto s : t.strides()) strides.push_back(s * dtype_size(t.dtype()));
        const char* format = t.dtype() == DType::Float32   ? "f"
                             : t.dtype() == DType::Float64 ? "d"
                                                           : "q";
        return py::buffer_info(t.raw_data(), dtype_size(t.dtype()), format, t.dim(),
                               std::vector<py::ssize_t>(t.shape().begin(), t.shape().end()),
                               strides);
      })
      .def(
          "__dlpack__", [](const Tensor& t, py::object stream) { return to_dlpack(t); },
          "stream"_a = py::none())
      .def("__dlpack_device__", [](const Tensor&) { return py::make_tuple(1, 0); })
      .def("numpy", &array_from_tensor, "The values as a NumPy array sharing this tensor's memory.")
      .def(
          "__array__",
          [](const Tensor& t, py::object dtype) {
            py::array a = array_from_tensor(t);
            return dtype.is_none() ? py::object(a) : a.attr("astype")(dtype);
          },
          "dtype"_a = py::none())
      .def_property_readonly("shape",
                             [](const Tensor& t) { return py::tuple(py::cast(t.shape())); })
      .def_property_readonly("dtype", [](const Tensor& t) { return dtype_name(t.dtype()); })
      .def_property_readonly("ndim", &Tensor::dim)
      .def("numel", &Tensor::numel)
      .def("__len__", [](const Tensor& t) { return t.dim() == 0 ? 0 : t.shape()[0]; })
      .def("__getitem__", &tensor_getitem, "key"_a,
           "Basic indexing with ints and slices (step >= 1): a view sharing this tensor's memory")
      .def_property("requires_grad", &Tensor::requires_grad,
                    [](Tensor& t, bool on) { t.requires_grad_(on); })
      .def_property_readonly("is_leaf", &Tensor::is_leaf)
      .def_property_readonly("grad",
                             [](const Tensor& t) -> py::object {
                               Tensor g = t.grad();
                               return g.defined() ? py::cast(g) : py::none();
                             })
      .def(
          "backward",
          [](const Tensor& t, py::object gradient, bool retain_graph) {
            Tensor seed = gradient.is_none() ? Tensor() : operand(t, gradient);
            py::gil_scoped_release release;
            t.backward(seed, retain_graph);
          },
          "gradient"_a = py::none(), "retain_graph"_a = false)
      .def("zero_grad", &Tensor::zero_grad)
      .def("detach", &Tensor::detach)
      .def("clone", &Tensor::clone)
      .def("contiguous", &Tensor::contiguous)
      .def("item", &Tensor::item)
      .def("float", [](const Tensor& t) { return as_dtype(t, DType::Float32); })
      .def("double", [](const Tensor& t) { return as_dtype(t, DType::Float64); })
      .def("long", [](const Tensor& t) { return as_dtype(t, DType::Int64); })
      .def("__repr__", &repr)
      .def("__add__", [](const Tensor& a, py::handle b) { return add(a, operand(a, b)); })
      .def("__radd__", [](const Tensor& a, py::handle b) { return add(operand(a, b), a); })
      .def("__sub__", [](const Tensor& a, py::handle b) { return sub(a, operand(a, b)); })
      .def("__rsub__", [](const Tensor& a, py::handle b) { return sub(operand(a, b), a); })
      .def("__mul__", [](const Tensor& a, py::handle b) { return mul(a, operand(a, b)); })
      .def("__rmul__", [](const Tensor& a, py::handle b) { return mul(operand(a, b), a); })
      .def("__truediv__", [](const Tensor& a, py::handle b) { return div(a, operand(a, b)); })
      .def("__rtruediv__", [](const Tensor& a, py::handle b) { return div(operand(a, b), a); })
      .def("__pow__", [](const Tensor& a, double e) { return pow(a, e); })
      .def("__neg__", [](const Tensor& a) { return neg(a); })
      .def("__matmul__", [](const Tensor& a, py::handle b) { return matmul(a, operand(a, b)); })
      .def("__rmatmul__", [](const Tensor& a, py::handle b) { return matmul(operand(a, b), a); })
      .def(
          "sum",
          [](const Tensor& t, py::object dim, bool keepdim) {
            return sum(t, dims_of(dim), keepdim);
          },
          "dim"_a = py::none(), "keepdim"_a = false)
      .def(
          "mean",
          [](const Tensor& t, py::object dim, bool keepdim) {
            return mean(t, dims_of(dim), keepdim);
          },
          "dim"_a = py::none(), "keepdim"_a = false)
      .def("relu", [](const Tensor& t) { return relu(t); })
      .def("tanh", [](const Tensor& t) { return scidl::tanh(t); })
      .def("sigmoid", [](const Tensor& t) { return sigmoid(t); })
      .def("exp", [](const Tensor& t) { return scidl::exp(t); })
      .def("log", [](const Tensor& t) { return scidl::log(t); })
      .def("abs", [](const Tensor& t) { return scidl::abs(t); })
      .def("square", [](const Tensor& t) { return square(t); })
      .def("reshape", [](const Tensor& t, const Shape& shape) { return reshape(t, shape); })
      .def_property_readonly("T", [](const Tensor& t) { return transpose(t, 0, 1); });

  m.def("tensor", &make_tensor, "data"_a, py::kw_only(), "requires_grad"_a = false,
        "dtype"_a = py::none());
  m.def("from_dlpack", &from_dlpack, "producer"_a,
        "A tensor over the memory of a DLPack producer's CPU tensor (PyTorch, NumPy, JAX).");
  m.def(
      "from_numpy", [](py::array a) { return tensor_from_python(a, "array"); },
      "A tensor sharing the array's memory (a C-contiguous one; others are copied, with a "
      "warning).");
  m.def(
      "zeros",
      [](const Shape& shape, const std::string& dtype, bool requires_grad) {
        return zeros(shape, dtype_from_name(dtype)).requires_grad_(requires_grad);
      },
      "shape"_a, "dtype"_a = "float32", "requires_grad"_a = false);
  m.def(
      "ones",
      [](const Shape& shape, const std::string& dtype, bool requires_grad) {
        return ones(shape, dtype_from_name(dtype)).requires_grad_(requires_grad);
      },
      "shape"_a, "dtype"_a = "float32", "requires_grad"_a = false);
  m.def("manual_seed", &manual_seed, "seed"_a, "Seeds scidl's default generator.");
  m.def("matmul", [](const Tensor& a, const Tensor& b) { return matmul(a, b); });
  m.def("relu", [](const Tensor& t) { return relu(t); });
  m.def("tanh", [](const Tensor& t) { return scidl::tanh(t); });
  m.def("sigmoid", [](const Tensor& t) { return sigmoid(t); });
  m.def(
      "softmax", [](const Tensor& t, int64_t dim) { return softmax(t, dim); }, "x"_a, "dim"_a = -1);
  m.def(
      "sum",
      [](const Tensor& t, py::object dim, bool keepdim) { return sum(t, dims_of(dim), keepdim); },
      "x"_a, "dim"_a = py::none(), "keepdim"_a = false);
  m.def(
      "mean",
      [](const Tensor& t, py::object dim, bool keepdim) { return mean(t, dims_of(dim), keepdim); },
      "x"_a, "dim"_a = py::none(), "keepdim"_a = false);
  m.def("is_grad_enabled", &grad_mode_enabled);
  m.def("set_grad_enabled", &set_grad_mode, "mode"_a);
}

}  // namespace scidl::python
