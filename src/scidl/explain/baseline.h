// The reference input x' that integrated gradients starts its path from: zero (Captum's
// default), one scalar for every feature, one value per feature (a tensor shaped like one
// example), one row per example (shaped like the batch), or the mean of a dataset.
// Contract: resolve() returns a tensor of the batch's shape and dtype, or throws ExplainError
// naming both shapes when the baseline does not fit.
#pragma once
#include <string>

#include "scidl/tensor/tensor.h"

namespace scidl::explain {

class Baseline {
 public:
  static Baseline zero() { return Baseline(); }
  static Baseline scalar(double value);
  // [...] like one example (broadcast to every example) or [N, ...] like the batch.
  static Baseline tensor(const Tensor& values);
  // The mean over the rows of `dataset` [M, ...]: one value per feature.
  static Baseline dataset_mean(const Tensor& dataset);

  // The baseline for batch x [N, ...], as a compact tensor of x's shape and dtype.
  Tensor resolve(const Tensor& x) const;
  // The baseline for a batch built by repeating each example of x `times` times in a row (as
  // NoiseTunnel does): a per-example baseline is repeated the same way; the others are kept.
  Baseline for_repeated_batch(const Tensor& x, int64_t times) const;
  std::string str() const;

 private:
  Baseline() = default;
  double scalar_ = 0.0;
  Tensor values_;  // undefined: the scalar
};

}  // namespace scidl::explain
