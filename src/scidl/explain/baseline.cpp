#include "scidl/explain/baseline.h"

#include <fmt/format.h>

#include "scidl/autograd/grad_mode.h"
#include "scidl/explain/target_gradient.h"
#include "scidl/ops/reduction.h"
#include "scidl/ops/shape_ops.h"

namespace scidl::explain {

Baseline Baseline::scalar(double value) {
  Baseline b;
  b.scalar_ = value;
  return b;
}

Baseline Baseline::tensor(const Tensor& values) {
  if (!values.defined() || !is_floating(values.dtype()))
    throw ExplainError("baseline: expected a floating-point tensor of baseline values");
  Baseline b;
  b.values_ = values.detach().to(DType::Float64).contiguous();
  return b;
}

Baseline Baseline::dataset_mean(const Tensor& dataset) {
  if (!dataset.defined() || dataset.dim() < 1 || dataset.shape()[0] < 1)
    throw ExplainError("baseline: the dataset mean needs a dataset [M, ...] with at least one row");
  NoGradGuard no_grad;
  return tensor(mean(dataset.detach().to(DType::Float64), {0}));
}

Tensor Baseline::resolve(const Tensor& x) const {
  if (!values_.defined()) return full(x.shape(), scalar_, x.dtype(), x.device());
  Shape example(x.shape().begin() + 1, x.shape().end());
  if (values_.shape() != example && values_.shape() != x.shape())
    throw ExplainError(fmt::format(
        "baseline of shape {} does not fit inputs of shape {}: give one value per feature "
        "(shape {}) or one row per example (shape {})",
        shape_str(values_.shape()), shape_str(x.shape()), shape_str(example),
        shape_str(x.shape())));
  Tensor out = empty(x.shape(), x.dtype(), x.device());
  out.copy_(values_.to(x.dtype()));  // copy_ broadcasts a per-feature baseline over the rows
  return out;
}

Baseline Baseline::for_repeated_batch(const Tensor& x, int64_t times) const {
  if (!values_.defined() || values_.shape() != x.shape() || times == 1) return *this;
  Shape with_axis = values_.shape();
  with_axis.insert(with_axis.begin() + 1, times);
  Shape merged = values_.shape();
  merged[0] *= times;
  Baseline b;
  b.values_ = reshape(expand(unsqueeze(values_, 1), with_axis).contiguous(), merged);
  return b;
}

std::string Baseline::str() const {
  if (!values_.defined()) return fmt::format("{}", scalar_);
  return fmt::format("tensor {}", shape_str(values_.shape()));
}

}  // namespace scidl::explain
