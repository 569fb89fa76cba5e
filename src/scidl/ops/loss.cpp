#include "scidl/ops/loss.h"

#include <fmt/format.h>

#include "scidl/ops/elementwise.h"
#include "scidl/ops/indexing.h"
#include "scidl/ops/nn_functional.h"
#include "scidl/ops/op_util.h"
#include "scidl/ops/reduction.h"
#include "scidl/ops/shape_ops.h"

namespace scidl {

namespace {
void check_same_shape(const char* loss, const Tensor& p, const Tensor& t) {
  if (p.shape() != t.shape())
    throw std::invalid_argument(
        fmt::format("{}: prediction of shape {} and target of shape {} differ", loss,
                    shape_str(p.shape()), shape_str(t.shape())));
}
}  // namespace

Tensor mse_loss(const Tensor& p, const Tensor& t) {
  check_same_shape("mse_loss", p, t);
  return mean(square(p - t));
}

Tensor l1_loss(const Tensor& p, const Tensor& t) {
  check_same_shape("l1_loss", p, t);
  return mean(abs(p - t));
}

Tensor huber_loss(const Tensor& p, const Tensor& t, double delta) {
  check_same_shape("huber_loss", p, t);
  Tensor d = abs(p - t);
  Tensor c = clamp(d, 0.0, delta);  // quadratic part; linear part is delta*(d - c)
  return mean(0.5 * square(c) + delta * (d - c));
}

namespace {

// Class-index targets for scores [N, C, ...]: int64 [N, ...], each in [0, C). `op` is the loss
// the caller called, so its message names it.
void check_class_targets(const char* op, const Tensor& scores, const Tensor& target) {
  if (target.dtype() != DType::Int64)
    throw std::invalid_argument(
        fmt::format("{}: targets must be int64 class indices, got {}", op, target.str()));
  if (scores.dim() < 2 || target.dim() != scores.dim() - 1 ||
      target.shape()[0] != scores.shape()[0])
    throw std::invalid_argument(fmt::format("{}: input {} needs targets of shape [N{}], got {}",
                                            op, shape_str(scores.shape()),
                                            scores.dim() > 2 ? ", ..." : "",
                                            shape_str(target.shape())));
  const int64_t classes = scores.shape()[1];
  for (int64_t c : target.to_vector<int64_t>())
    if (c < 0 || c >= classes)
      throw std::out_of_range(fmt::format("{}: target class {} is out of range for {} classes",
                                          op, c, classes));
}

Tensor checked_nll(const Tensor& log_probs, const Tensor& target) {
  return -mean(gather(log_probs, 1, unsqueeze(target, 1)));
}

}  // namespace

Tensor nll_loss(const Tensor& log_probs, const Tensor& target) {
  check_class_targets("nll_loss", log_probs, target);
  return checked_nll(log_probs, target);
}

Tensor cross_entropy(const Tensor& logits, const Tensor& target) {
  check_class_targets("cross_entropy", logits, target);
  return checked_nll(log_softmax(logits, 1), target);
}

Tensor binary_cross_entropy_with_logits(const Tensor& x, const Tensor& y) {
  check_same_shape("binary_cross_entropy_with_logits", x, y);
  Tensor zero = zeros({}, x.dtype(), x.device());
  return mean(maximum(x, zero) - x * y + log(1.0 + exp(-abs(x))));
}

}  // namespace scidl
