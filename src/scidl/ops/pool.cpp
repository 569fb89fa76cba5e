#include "scidl/ops/pool.h"

#include <fmt/format.h>

#include "scidl/ops/op_util.h"
#include "scidl/ops/reduction.h"

namespace scidl {

using namespace ops_detail;

namespace {

struct PoolPlan {
  backend::Pool2dGeometry geometry;
  Shape out_shape;
};

PoolPlan plan_pool(const char* op, const Tensor& x, const Pool2dOptions& o) {
  check_floating(op, x);
  if (x.dim() != 4)
    throw std::invalid_argument(
        fmt::format("{}: expected an [N, C, H, W] input, got shape {}", op, shape_str(x.shape())));
  std::array<int64_t, 2> stride{o.stride[0] == 0 ? o.kernel[0] : o.stride[0],
                                o.stride[1] == 0 ? o.kernel[1] : o.stride[1]};
  WindowPlan w = plan_window(op, x.shape()[2], x.shape()[3], o.kernel, stride, {1, 1}, o.padding);
  return {{o.kernel[0], o.kernel[1], stride[0], stride[1], w.pad_top, w.pad_left},
          {x.shape()[0], x.shape()[1], w.out_height, w.out_width}};
}

}  // namespace

Tensor max_pool2d(const Tensor& x_in, const Pool2dOptions& o) {
  PoolPlan p = plan_pool("max_pool2d", x_in, o);
  Tensor x = x_in.contiguous();
  Tensor y = empty(p.out_shape, x.dtype(), x.device());
  Tensor argmax = empty(p.out_shape, DType::Int64, x.device());
  backend_of(x).max_pool2d(x, y, argmax, p.geometry);
  return record("max_pool2d", y, {x_in},
                [argmax, in_shape = x.shape(), dtype = x.dtype()](const Tensor& g) {
                  Tensor gx = empty(in_shape, dtype, g.device());
                  backend_of(g).max_pool2d_backward(g.contiguous(), argmax, gx);
                  return std::vector<Tensor>{gx};
                });
}

Tensor avg_pool2d(const Tensor& x_in, const Pool2dOptions& o) {
  PoolPlan p = plan_pool("avg_pool2d", x_in, o);
  Tensor x = x_in.contiguous();
  Tensor y = empty(p.out_shape, x.dtype(), x.device());
  backend_of(x).avg_pool2d(x, y, p.geometry);
  return record("avg_pool2d", y, {x_in},
                [geometry = p.geometry, in_shape = x.shape(), dtype = x.dtype()](const Tensor& g) {
                  Tensor gx = empty(in_shape, dtype, g.device());
                  backend_of(g).avg_pool2d_backward(g.contiguous(), gx, geometry);
                  return std::vector<Tensor>{gx};
                });
}

Tensor global_avg_pool2d(const Tensor& x) {
  check_floating("global_avg_pool2d", x);
  if (x.dim() != 4)
    throw std::invalid_argument(fmt::format(
        "global_avg_pool2d: expected an [N, C, H, W] input, got shape {}", shape_str(x.shape())));
  return mean(x, {2, 3});
}

}  // namespace scidl
