// Normalization (Keras): learns each feature's mean and variance from the training data before
// training (adapt), keeps them in the model (buffers mean, variance, count), and computes
// (x - mean) / max(sqrt(variance), 1e-7) — so predict applies the same scaling and no user
// standardises by hand. Features are the last dimension; the variance is the population one.
// invert (Keras's invert=True): x * max(sqrt(variance), 1e-7) + mean, learnt from the TARGETS,
// so a model ending in one predicts in the targets' units while its layers work on standardised
// values (what a regression on metres or kelvins needs).
// Contract: forward on a layer never adapted throws; `scidl train` and Trainer::fit adapt every
// un-adapted Normalization on the training split first (train/adapt.h).
#pragma once
#include <functional>

#include "scidl/nn/module.h"

namespace scidl::nn {

class Normalization : public Module {
 public:
  explicit Normalization(int64_t features, DType dtype = DType::Float32, bool invert = false);
  Tensor forward(const Tensor& x) override;
  std::string describe() const override;
  bool adapted() const;
  bool inverted() const { return invert_; }
  const Tensor& mean() const { return mean_; }
  const Tensor& variance() const { return variance_; }

  // Adapting: while collecting, forward() passes inputs through unchanged and accumulates their
  // statistics (in float64, batch by batch); finish_adapt() stores them.
  void begin_adapt();
  bool collecting() const { return collecting_; }
  void finish_adapt();
  void abort_adapt() { collecting_ = false; }
  // While another layer adapts, one not yet adapted passes its inputs through.
  void set_pass_through(bool on) { pass_through_ = on; }

 private:
  int64_t features_;
  bool invert_;
  Tensor mean_, variance_, count_;
  bool collecting_ = false;
  bool pass_through_ = false;
  int64_t seen_ = 0;
  std::vector<double> sum_mean_, sum_m2_;  // running mean and sum of squared deviations
};

// Adapts every Normalization layer of `model` that is not yet adapted. `each_batch` runs its
// argument on every batch of the training data, in any order; a layer is adapted on what reaches
// it, so one behind another is adapted after it (one pass over the data per layer); an inverted
// layer on the batches' targets "y". Runs in eval mode without recording gradients.
using BatchVisitor = std::function<void(const TensorDict&)>;
void adapt_normalization(Module& model, const std::function<void(const BatchVisitor&)>& each_batch);

}  // namespace scidl::nn
