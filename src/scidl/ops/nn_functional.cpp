#include "scidl/ops/nn_functional.h"

#include "scidl/ops/elementwise.h"
#include "scidl/ops/indexing.h"
#include "scidl/ops/op_util.h"
#include "scidl/ops/reduction.h"
#include "scidl/ops/shape_ops.h"

#include <fmt/format.h>

namespace scidl {

using namespace ops_detail;

namespace {
Tensor softmax_impl(const Tensor& x_in, int64_t dim, bool log) {
  const char* name = log ? "log_softmax" : "softmax";
  check_floating(name, x_in);
  dim = wrap_dim(dim, x_in.dim(), name);
  const bool last = dim == x_in.dim() - 1 || x_in.dim() == 0;
  Tensor x = contiguous(last ? x_in : transpose(x_in, dim, -1));
  Tensor y = empty_like(x);
  backend_of(x).softmax(x, y, log);
  Tensor out = record(name, y, {x}, [y = y.detach(), log](const Tensor& g) {
    Tensor gx = empty_like(y);
    backend_of(g).softmax_backward(y, g, gx, log);
    return std::vector<Tensor>{gx};
  });
  return last ? out : transpose(out, dim, -1);
}
}  // namespace

Tensor softmax(const Tensor& x, int64_t dim) { return softmax_impl(x, dim, false); }
Tensor log_softmax(const Tensor& x, int64_t dim) { return softmax_impl(x, dim, true); }

Tensor dropout(const Tensor& x, double p, bool training, Generator& gen) {
  if (p < 0 || p >= 1) {
    if (p == 1 && training) return x * 0.0;
    if (p < 0 || p > 1)
      throw std::invalid_argument("dropout: p must be in [0, 1), got " + std::to_string(p));
  }
  if (!training || p == 0) return x;
  Tensor mask = empty(x.shape(), x.dtype(), x.device());
  backend_of(x).bernoulli(mask, gen, 1.0 - p);
  backend_of(x).unary(backend::UnaryOp::Affine, mask, mask, 1.0 / (1.0 - p), 0.0);
  return x * mask;  // mask is a constant: the gradient is g * mask
}

Tensor layer_norm(const Tensor& x, const Tensor& weight, const Tensor& bias, double eps) {
  if (x.dim() < 1) throw std::invalid_argument("layer_norm: needs a tensor of at least one dim");
  const int64_t n = x.shape().back();
  for (const Tensor* p : {&weight, &bias})
    if (p->defined() && p->shape() != Shape{n})
      throw std::invalid_argument(
          fmt::format("layer_norm: a weight or bias of shape {} for features of size {} (input {})",
                      shape_str(p->shape()), n, shape_str(x.shape())));
  // Composed of differentiable ops, so its gradient is theirs.
  Tensor centred = x - mean(x, {-1}, true);
  Tensor y = centred / sqrt(mean(centred * centred, {-1}, true) + eps);
  if (weight.defined()) y = y * weight;
  if (bias.defined()) y = y + bias;
  return y;
}

Tensor embedding(const Tensor& indices, const Tensor& weight) {
  if (indices.dtype() != DType::Int64)
    throw std::invalid_argument(
        fmt::format("embedding: indices must be int64, got {}", indices.str()));
  if (weight.dim() != 2)
    throw std::invalid_argument(
        fmt::format("embedding: the weight must be [num, dim], got {}", shape_str(weight.shape())));
  Shape out = indices.shape();
  out.push_back(weight.shape()[1]);
  return reshape(index_select(weight, 0, reshape(indices, {-1})), out);
}

}  // namespace scidl
