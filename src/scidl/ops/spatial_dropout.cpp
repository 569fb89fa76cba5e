#include "scidl/ops/spatial_dropout.h"

#include <fmt/format.h>

#include "scidl/ops/elementwise.h"
#include "scidl/ops/op_util.h"

namespace scidl {

using namespace ops_detail;

Tensor dropout2d(const Tensor& x, double p, bool training, Generator& gen) {
  if (p < 0 || p >= 1)
    throw std::invalid_argument(fmt::format("dropout2d: p must be in [0, 1), got {}", p));
  if (x.dim() < 2)
    throw std::invalid_argument(fmt::format(
        "dropout2d: expected an [N, C, ...] input, got shape {}", shape_str(x.shape())));
  if (!training || p == 0) return x;
  Shape mask_shape(x.dim(), 1);
  mask_shape[0] = x.shape()[0];
  mask_shape[1] = x.shape()[1];
  Tensor mask = empty(mask_shape, x.dtype(), x.device());
  backend_of(x).bernoulli(mask, gen, 1.0 - p);
  backend_of(x).unary(backend::UnaryOp::Affine, mask, mask, 1.0 / (1.0 - p), 0.0);
  return x * mask;  // broadcast over H, W; the mask is a constant
}

}  // namespace scidl
