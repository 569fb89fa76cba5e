#include "convert.h"

#include <fmt/format.h>

#include "scidl/tensor/shape.h"

namespace scidl::python {

namespace {

// Keeps a Python object alive from C++; the last owner may go away while the GIL is released
// (a batch freed inside fit), so the reference is dropped with the GIL held.
std::shared_ptr<void> keep_alive(py::object obj) {
  return std::shared_ptr<void>(new py::object(std::move(obj)), [](void* p) {
    if (!Py_IsInitialized()) return;  // interpreter gone: nothing left to release to
    py::gil_scoped_acquire gil;
    delete static_cast<py::object*>(p);
  });
}

// The scidl dtype of a NumPy dtype, or nullopt.
std::optional<DType> scidl_dtype(const py::dtype& dt) {
  if (dt.kind() == 'f' && dt.itemsize() == 4) return DType::Float32;
  if (dt.kind() == 'f' && dt.itemsize() == 8) return DType::Float64;
  if (dt.kind() == 'i' && dt.itemsize() == 8) return DType::Int64;
  return std::nullopt;
}

py::dtype numpy_dtype(DType dtype) {
  switch (dtype) {
    case DType::Float32:
      return py::dtype::of<float>();
    case DType::Float64:
      return py::dtype::of<double>();
    default:
      return py::dtype::of<int64_t>();
  }
}

void warn_copied(const std::string& what, const py::array& a) {
  const std::string message = fmt::format(
      "scidl: {} ({} array of shape {}) is not C-contiguous, so it was copied; pass "
      "numpy.ascontiguousarray({}) to share its memory instead",
      what, py::str(a.dtype()).cast<std::string>(),
      py::str(py::tuple(a.attr("shape"))).cast<std::string>(), what);
  if (PyErr_WarnEx(PyExc_UserWarning, message.c_str(), 2) < 0) throw py::error_already_set();
}

}  // namespace

DType dtype_from_name(const std::string& name) {
  if (name == "float32") return DType::Float32;
  if (name == "float64") return DType::Float64;
  if (name == "int64") return DType::Int64;
  throw py::value_error(
      fmt::format("dtype '{}' is not one scidl holds: float32, float64 or int64", name));
}

Tensor tensor_from_python(py::handle obj, const std::string& what) {
  if (py::isinstance<Tensor>(obj)) return obj.cast<Tensor>();
  if (obj.is_none()) throw py::type_error(what + ": expected an array, got None");
  py::array a = py::array::ensure(obj);
  if (!a) {
    PyErr_Clear();
    throw py::type_error(
        fmt::format("{}: expected a NumPy array or scidl.Tensor, got {}", what,
                    py::str(py::type::handle_of(obj).attr("__name__")).cast<std::string>()));
  }
  const auto dtype = scidl_dtype(a.dtype());
  if (!dtype)
    throw py::value_error(
        fmt::format("{}: dtype {} is not one scidl holds: float32, float64 or int64 (convert with "
                    ".astype(numpy.float32), or numpy.int64 for class labels)",
                    what, py::str(a.dtype()).cast<std::string>()));
  Shape shape(a.shape(), a.shape() + a.ndim());
  const bool c_contiguous = (a.flags() & py::array::c_style) != 0;
  if (c_contiguous && a.writeable()) {
    const size_t bytes = static_cast<size_t>(numel_of(shape)) * dtype_size(*dtype);
    return from_blob(a.mutable_data(), bytes, shape, contiguous_strides(shape), *dtype,
                     keep_alive(a));
  }
  if (!c_contiguous) warn_copied(what, a);
  py::array copy = py::array::ensure(a, py::array::c_style | py::array::forcecast);
  Tensor t = empty(shape, *dtype);
  std::memcpy(t.raw_data(), copy.data(), static_cast<size_t>(numel_of(shape)) * dtype_size(*dtype));
  return t;
}

py::array array_from_tensor(const Tensor& t) {
  const Tensor& impl_view = t;
  std::vector<py::ssize_t> shape(impl_view.shape().begin(), impl_view.shape().end());
  std::vector<py::ssize_t> strides;
  for (auto s : impl_view.strides())
    strides.push_back(static_cast<py::ssize_t>(s * dtype_size(t.dtype())));
  // The capsule holds the storage, so the array outlives every scidl handle safely.
  auto* storage = new std::shared_ptr<Storage>(t.impl()->storage);
  py::capsule base(storage, [](void* p) { delete static_cast<std::shared_ptr<Storage>*>(p); });
  return py::array(numpy_dtype(t.dtype()), shape, strides, t.raw_data(), base);
}

Tensor as_dtype(const Tensor& t, DType dtype) { return t.dtype() == dtype ? t : t.to(dtype); }

nlohmann::json json_from_python(py::handle obj, const std::string& what) {
  if (obj.is_none()) return nullptr;
  if (py::isinstance<py::bool_>(obj)) return obj.cast<bool>();
  if (py::isinstance<py::int_>(obj)) return obj.cast<int64_t>();
  if (py::isinstance<py::float_>(obj)) return obj.cast<double>();
  if (py::isinstance<py::str>(obj)) return obj.cast<std::string>();
  if (py::hasattr(obj, "__fspath__")) return py::str(obj.attr("__fspath__")()).cast<std::string>();
  if (py::isinstance<py::dict>(obj)) {
    nlohmann::json j = nlohmann::json::object();
    for (auto [k, v] : obj.cast<py::dict>()) {
      const std::string key = py::str(k).cast<std::string>();
      j[key] = json_from_python(v, what + "." + key);
    }
    return j;
  }
  if (py::isinstance<py::list>(obj) || py::isinstance<py::tuple>(obj)) {
    nlohmann::json j = nlohmann::json::array();
    size_t i = 0;
    for (auto v : obj) j.push_back(json_from_python(v, fmt::format("{}[{}]", what, i++)));
    return j;
  }
  if (py::hasattr(obj, "to_config")) return json_from_python(obj.attr("to_config")(), what);
  // NumPy scalars and anything else that says it is a number
  if (py::hasattr(obj, "dtype") && py::hasattr(obj, "item"))
    return json_from_python(obj.attr("item")(), what);
  throw py::type_error(
      fmt::format("{}: a {} cannot go into a config (numbers, strings, lists and "
                  "dicts can)",
                  what, py::str(py::type::handle_of(obj).attr("__name__")).cast<std::string>()));
}

py::object python_from_json(const nlohmann::json& j) {
  switch (j.type()) {
    case nlohmann::json::value_t::null:
      return py::none();
    case nlohmann::json::value_t::boolean:
      return py::bool_(j.get<bool>());
    case nlohmann::json::value_t::number_integer:
      return py::int_(j.get<int64_t>());
    case nlohmann::json::value_t::number_unsigned:
      return py::int_(j.get<uint64_t>());
    case nlohmann::json::value_t::number_float:
      return py::float_(j.get<double>());
    case nlohmann::json::value_t::string:
      return py::str(j.get<std::string>());
    case nlohmann::json::value_t::array: {
      py::list l;
      for (const auto& v : j) l.append(python_from_json(v));
      return l;
    }
    default: {
      py::dict d;
      for (const auto& [k, v] : j.items()) d[py::str(k)] = python_from_json(v);
      return d;
    }
  }
}

}  // namespace scidl::python
