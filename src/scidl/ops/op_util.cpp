#include "scidl/ops/op_util.h"

#include <fmt/format.h>

namespace scidl::ops_detail {

Tensor expand_view(const Tensor& t, const Shape& shape) {
  if (t.shape() == shape) return t;
  Shape st(shape.size(), 0);
  size_t lead = shape.size() - t.shape().size();
  for (size_t i = 0; i < t.shape().size(); ++i)
    st[lead + i] = t.shape()[i] == 1 && shape[lead + i] != 1 ? 0 : t.strides()[i];
  return t.as_strided(shape, st, t.offset());
}

Tensor sum_to(const Tensor& g, const Shape& shape) {
  if (g.shape() == shape) return g;
  // Reduce (keepdim) over the leading dims and over dims that were 1 in `shape`.
  const size_t lead = g.shape().size() - shape.size();
  Shape keep(g.shape().size());
  for (size_t i = 0; i < g.shape().size(); ++i)
    keep[i] = i < lead ? 1 : (shape[i - lead] == 1 ? 1 : g.shape()[i]);
  Tensor out = empty(keep, g.dtype(), g.device());
  backend_of(g).reduce(backend::ReduceOp::Sum, g, out);
  return out.as_strided(shape, contiguous_strides(shape), out.offset());
}

void check_same(const char* op, const Tensor& a, const Tensor& b) {
  if (a.dtype() != b.dtype())
    throw std::invalid_argument(fmt::format("{}: operands have different dtypes: {} and {}", op,
                                            a.str(), b.str()));
  if (a.device() != b.device())
    throw std::invalid_argument(fmt::format("{}: operands are on different devices: {} and {}",
                                            op, a.device().str(), b.device().str()));
}

void check_floating(const char* op, const Tensor& t) {
  if (!is_floating(t.dtype()))
    throw std::invalid_argument(
        fmt::format("{}: expected a floating-point tensor, got {}", op, t.str()));
}

}  // namespace scidl::ops_detail
