#include "scidl/ops/reduction.h"

#include "scidl/ops/elementwise.h"
#include "scidl/ops/op_util.h"

namespace scidl {

using namespace ops_detail;
using backend::ReduceOp;

namespace {

struct ReducedShapes {
  Shape keep;  // x's shape with reduced dims set to 1
  Shape out;   // what the caller gets (keepdim or squeezed)
  int64_t count = 1;
};

ReducedShapes reduced_shapes(const Tensor& x, const std::vector<int64_t>& dims, bool keepdim,
                             const char* op) {
  ReducedShapes r;
  r.keep = x.shape();
  std::vector<bool> red(x.dim(), dims.empty());
  for (auto d : dims) red[wrap_dim(d, x.dim(), op)] = true;
  for (int64_t d = 0; d < x.dim(); ++d) {
    if (!red[d]) {
      r.out.push_back(x.shape()[d]);
      continue;
    }
    r.count *= x.shape()[d];
    r.keep[d] = 1;
    if (keepdim) r.out.push_back(1);
  }
  return r;
}

Tensor reduce_raw(ReduceOp op, const Tensor& x, const ReducedShapes& r, DType dtype) {
  Tensor out = empty(r.keep, dtype, x.device());
  if (x.numel() == 0 && op != ReduceOp::Sum)
    throw std::invalid_argument("cannot take the max/min of an empty tensor " + x.str());
  backend_of(x).reduce(op, x, out);
  return out.as_strided(r.out, contiguous_strides(r.out), 0);
}

Tensor extremum(ReduceOp op, const char* name, const Tensor& x, const std::vector<int64_t>& dims,
                bool keepdim) {
  check_floating(name, x);
  auto r = reduced_shapes(x, dims, keepdim, name);
  Tensor out = reduce_raw(op, x, r, x.dtype());
  return record(name, out, {x}, [x = x.detach(), out = out.detach(), r](const Tensor& g) {
    Tensor o = out.as_strided(r.keep, contiguous_strides(r.keep), 0);
    Tensor mask = eq(x, o);  // ties share the gradient
    Tensor counts = reduce_raw(ReduceOp::Sum, mask, ReducedShapes{r.keep, r.keep, 1}, x.dtype());
    Tensor gk = g.contiguous().as_strided(r.keep, contiguous_strides(r.keep), 0);
    return std::vector<Tensor>{mul(mask, div(gk, counts))};
  });
}

}  // namespace

Tensor sum(const Tensor& x, const std::vector<int64_t>& dims, bool keepdim) {
  check_floating("sum", x);
  auto r = reduced_shapes(x, dims, keepdim, "sum");
  Tensor out = reduce_raw(ReduceOp::Sum, x, r, x.dtype());
  return record("sum", out, {x}, [r, shape = x.shape()](const Tensor& g) {
    Tensor gk = g.contiguous().as_strided(r.keep, contiguous_strides(r.keep), 0);
    return std::vector<Tensor>{expand_view(gk, shape).contiguous()};
  });
}

Tensor mean(const Tensor& x, const std::vector<int64_t>& dims, bool keepdim) {
  auto r = reduced_shapes(x, dims, keepdim, "mean");
  return sum(x, dims, keepdim) * (1.0 / static_cast<double>(std::max<int64_t>(r.count, 1)));
}

Tensor max(const Tensor& x, const std::vector<int64_t>& dims, bool keepdim) {
  return extremum(ReduceOp::Max, "max", x, dims, keepdim);
}
Tensor min(const Tensor& x, const std::vector<int64_t>& dims, bool keepdim) {
  return extremum(ReduceOp::Min, "min", x, dims, keepdim);
}

Tensor argmax(const Tensor& x, int64_t dim, bool keepdim) {
  auto r = reduced_shapes(x, {dim}, keepdim, "argmax");
  return reduce_raw(ReduceOp::ArgMax, x, r, DType::Int64);
}
Tensor argmin(const Tensor& x, int64_t dim, bool keepdim) {
  auto r = reduced_shapes(x, {dim}, keepdim, "argmin");
  return reduce_raw(ReduceOp::ArgMin, x, r, DType::Int64);
}

}  // namespace scidl
