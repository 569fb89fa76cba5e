#include "scidl/ops/indexing.h"

#include <fmt/format.h>

#include "scidl/ops/op_util.h"

namespace scidl {

using namespace ops_detail;

namespace {
void check_index_tensor(const char* op, const Tensor& index) {
  if (index.dtype() != DType::Int64)
    throw std::invalid_argument(fmt::format("{}: indices must be int64, got {}", op, index.str()));
}
}  // namespace

Tensor index_select(const Tensor& x, int64_t dim, const Tensor& index) {
  check_index_tensor("index_select", index);
  if (index.dim() != 1)
    throw std::invalid_argument("index_select: index must be 1-D, got " + index.str());
  dim = wrap_dim(dim, x.dim(), "index_select");
  Shape shape = x.shape();
  shape[dim] = index.numel();
  Tensor out = empty(shape, x.dtype(), x.device());
  backend_of(x).index_select(x, dim, index, out);
  return record("index_select", out, {x}, [index, dim, xshape = x.shape()](const Tensor& g) {
    Tensor gx = zeros(xshape, g.dtype(), g.device());
    backend_of(g).index_add(gx, dim, index, g);
    return std::vector<Tensor>{gx};
  });
}

Tensor gather(const Tensor& x, int64_t dim, const Tensor& index) {
  check_index_tensor("gather", index);
  dim = wrap_dim(dim, x.dim(), "gather");
  if (index.dim() != x.dim())
    throw std::invalid_argument(fmt::format("gather: index {} and input {} differ in rank",
                                            index.str(), x.str()));
  for (int64_t d = 0; d < x.dim(); ++d)
    if (d != dim && index.shape()[d] != x.shape()[d])
      throw std::invalid_argument(
          fmt::format("gather: index shape {} must match input shape {} outside dim {}",
                      shape_str(index.shape()), shape_str(x.shape()), dim));
  Tensor out = empty(index.shape(), x.dtype(), x.device());
  backend_of(x).gather(x, dim, index, out);
  return record("gather", out, {x}, [index, dim, xshape = x.shape()](const Tensor& g) {
    Tensor gx = zeros(xshape, g.dtype(), g.device());
    backend_of(g).scatter_add(gx, dim, index, g);
    return std::vector<Tensor>{gx};
  });
}

Tensor scatter_add(const Tensor& self, int64_t dim, const Tensor& index, const Tensor& src) {
  check_index_tensor("scatter_add", index);
  check_same("scatter_add", self, src);
  dim = wrap_dim(dim, self.dim(), "scatter_add");
  if (index.shape() != src.shape())
    throw std::invalid_argument(fmt::format("scatter_add: index shape {} must equal src shape {}",
                                            shape_str(index.shape()), shape_str(src.shape())));
  if (index.dim() != self.dim())
    throw std::invalid_argument(fmt::format("scatter_add: index {} and self {} differ in rank",
                                            index.str(), self.str()));
  Tensor out = self.clone();
  backend_of(self).scatter_add(out, dim, index, src);
  return record("scatter_add", out, {self, src}, [index, dim](const Tensor& g) {
    Tensor gs = empty(index.shape(), g.dtype(), g.device());
    backend_of(g).gather(g, dim, index, gs);
    return std::vector<Tensor>{g, gs};
  });
}

}  // namespace scidl
