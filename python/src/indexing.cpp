// Tensor[key]: basic indexing, as NumPy and PyTorch read it for ints and slices. Each int or
// slice takes one dimension from the left (dimensions not named are kept whole); an int removes
// its dimension. The result is a view sharing the tensor's memory, and gradients flow through it
// (ops/shape_ops.h slice and squeeze). What is not supported (negative steps, None, ..., lists,
// arrays, tensors, bools) is refused naming it and what to use instead.
#include <fmt/format.h>

#include "convert.h"
#include "scidl/ops/shape_ops.h"

namespace scidl::python {

namespace {

std::string shape_text(const Tensor& t) {
  std::string s = "(";
  for (size_t i = 0; i < t.shape().size(); ++i)
    s += fmt::format("{}{}", i ? ", " : "", t.shape()[i]);
  return s + (t.shape().size() == 1 ? ",)" : ")");
}

[[noreturn]] void unsupported(const std::string& what) {
  throw py::index_error(fmt::format(
      "scidl.Tensor indexing takes ints and slices with a step >= 1, one per dimension from the "
      "left; got {}. For anything else index the array: t.numpy()[...] (it shares the memory)",
      what));
}

}  // namespace

Tensor tensor_getitem(const Tensor& t, py::handle key) {
  std::vector<py::handle> keys;
  if (py::isinstance<py::tuple>(key)) {
    for (py::handle k : key) keys.push_back(k);
  } else {
    keys.push_back(key);
  }
  if (static_cast<int64_t>(keys.size()) > t.dim())
    throw py::index_error(
        fmt::format("too many indices for a tensor of shape {}: {} given for {} "
                    "dimension{}",
                    shape_text(t), keys.size(), t.dim(), t.dim() == 1 ? "" : "s"));
  Tensor out = t;
  int64_t dim = 0;  // the dimension of `out` the next key indexes
  for (size_t i = 0; i < keys.size(); ++i) {
    py::handle k = keys[i];
    const int64_t size = out.shape()[dim];
    if (py::isinstance<py::bool_>(k)) unsupported("a bool (a mask)");
    if (py::isinstance<py::array>(k)) unsupported("an array");
    if (PyIndex_Check(k.ptr())) {  // a Python int, or NumPy's integer scalars
      const int64_t index = py::int_(py::reinterpret_borrow<py::object>(k)).cast<int64_t>();
      if (index < -size || index >= size)
        throw py::index_error(
            fmt::format("index {} is out of range for dimension {} of size {} (tensor of shape {})",
                        index, i, size, shape_text(t)));
      const int64_t at = index < 0 ? index + size : index;
      out = squeeze(slice(out, dim, at, at + 1), dim);
    } else if (py::isinstance<py::slice>(k)) {
      py::ssize_t sstart = 0, sstop = 0, sstep = 0, slength = 0;
      if (!py::reinterpret_borrow<py::slice>(k).compute(size, &sstart, &sstop, &sstep, &slength))
        throw py::error_already_set();
      if (sstep < 1) unsupported(fmt::format("a slice with step {} in dimension {}", sstep, i));
      const int64_t begin = sstart, count = slength;
      out = slice(out, dim, begin, count > 0 ? begin + (count - 1) * sstep + 1 : begin, sstep);
      ++dim;
    } else if (k.is_none()) {
      unsupported("None (a new axis): use t.reshape(...)");
    } else if (k.ptr() == Py_Ellipsis) {
      unsupported("... (Ellipsis)");
    } else {
      unsupported(
          fmt::format("a {}", py::str(py::type::of(k).attr("__name__")).cast<std::string>()));
    }
  }
  return out;
}

}  // namespace scidl::python
