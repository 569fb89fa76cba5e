// The one forward/backward pass every explanation method is built on: for a batch x [N, ...],
// the scalar per example is output[n, target_n] (a regression output or a class logit), and its
// gradient w.r.t. x comes from a single autograd::grad call seeded with a one-hot matrix, so one
// backward covers the whole batch.
// Contract: the model maps [N, ...] to [N] or [N, C]; x has the dtype of the model's parameters.
// The model's parameters are frozen (requires_grad off) during the pass, so no weight gradient
// is computed, and restored after; .grad of nothing is touched. Problems throw ExplainError
// naming what was wrong and what to do.
#pragma once
#include <cstdint>
#include <stdexcept>
#include <vector>

#include "scidl/nn/module.h"
#include "scidl/tensor/tensor.h"

namespace scidl::explain {

class ExplainError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

// Which output column is explained: the only one (default; the model must have one output),
// one index for every example, or one index per example.
class Target {
 public:
  Target() = default;
  Target(int64_t index) : indices_{index} {}  // NOLINT: an index reads naturally as a target
  explicit Target(std::vector<int64_t> per_example) : indices_(std::move(per_example)) {}

  bool is_default() const { return indices_.empty(); }
  // The column for example n of a batch of `batch` rows with `outputs` columns; throws
  // ExplainError when the index is out of range or the per-example list has the wrong length.
  int64_t column(int64_t n, int64_t batch, int64_t outputs) const;
  // Each example's target repeated `times` times in a row (for batches built by repeating every
  // example, as NoiseTunnel does).
  Target repeat_interleave(int64_t times) const;
  // The target of rows `first`..`first + count - 1`, where row r explains example r % examples.
  Target for_rows(int64_t first, int64_t count, int64_t examples) const;
  std::string str() const;

 private:
  std::vector<int64_t> indices_;
};

struct TargetGradient {
  Tensor outputs;   // [N]: output[n, target_n], no history
  Tensor gradient;  // like x: d output[n, target_n] / d x[n]
};

TargetGradient target_gradient(nn::Module& model, const Tensor& x, const Target& target);

// The model's output[n, target_n] for a batch, without recording history.
Tensor target_outputs(nn::Module& model, const Tensor& x, const Target& target);

// Turns requires_grad off for every parameter of a model for a scope and restores it after, so
// a backward pass computes only gradients w.r.t. inputs (a third less work for dense layers).
class FrozenParameters {
 public:
  explicit FrozenParameters(const nn::Module& model);
  ~FrozenParameters();
  FrozenParameters(const FrozenParameters&) = delete;
  FrozenParameters& operator=(const FrozenParameters&) = delete;

 private:
  std::vector<Tensor> frozen_;
};

}  // namespace scidl::explain
