// Normalization (Keras): learns each feature's mean and variance from the training data before
// training (adapt), keeps them in the model (buffers mean, variance, count), and computes
// (x - mean) / max(sqrt(variance), 1e-7) — so predict applies the same scaling and no user
// standardises by hand. Features are the last dimension; the variance is the population one.
// Contract: forward on a layer never adapted throws; `scidl train` and Trainer::fit adapt every
// un-adapted Normalization on the training split first (train/adapt.h).
#pragma once
#include "scidl/nn/module.h"

namespace scidl::nn {

class Normalization : public Module {
 public:
  explicit Normalization(int64_t features, DType dtype = DType::Float32);
  Tensor forward(const Tensor& x) override;
  std::string describe() const override;
  bool adapted() const;

  // Adapting: while collecting, forward() passes inputs through unchanged and accumulates their
  // statistics (in float64, batch by batch); finish_adapt() stores them.
  void begin_adapt();
  bool collecting() const { return collecting_; }
  void finish_adapt();

 private:
  int64_t features_;
  Tensor mean_, variance_, count_;
  bool collecting_ = false;
  int64_t seen_ = 0;
  std::vector<double> sum_mean_, sum_m2_;  // running mean and sum of squared deviations
};

}  // namespace scidl::nn
