// Batch normalisation layers with PyTorch's semantics and state-dict names (weight, bias,
// running_mean, running_var, num_batches_tracked), so weights move to and from PyTorch by name.
// BatchNorm1d takes [N, C] or [N, C, L]; BatchNorm2d takes [N, C, H, W]. In training mode they
// normalise by the batch statistics and update the running ones (momentum 0.1, unbiased running
// variance); in eval mode they use the running statistics. Without track_running_stats they
// always use the batch statistics.
// Contract: inputs have num_features channels in dim 1 and the module's dtype; training needs
// more than one value per channel.
#pragma once
#include "scidl/nn/module.h"

namespace scidl::nn {

struct BatchNormOptions {
  double momentum = 0.1;  // weight of the newest batch in the running statistics
  double eps = 1e-5;      // added to the variance before the square root
  bool affine = true;     // learnable per-channel weight (ones) and bias (zeros)
  bool track_running_stats = true;
  DType dtype = DType::Float32;
};

class BatchNorm : public Module {
 public:
  Tensor forward(const Tensor& x) override;
  std::string describe() const override;
  int64_t num_features() const { return num_features_; }
  const BatchNormOptions& options() const { return options_; }
  const Tensor& weight() const { return weight_; }
  const Tensor& bias() const { return bias_; }
  const Tensor& running_mean() const { return running_mean_; }
  const Tensor& running_var() const { return running_var_; }
  int64_t num_batches_tracked() const;

 protected:
  BatchNorm(const char* kind, int64_t num_features, std::vector<int64_t> input_ranks,
            BatchNormOptions options);

 private:
  const char* kind_;
  int64_t num_features_;
  std::vector<int64_t> input_ranks_;
  BatchNormOptions options_;
  Tensor weight_, bias_, running_mean_, running_var_, batches_tracked_;
};

class BatchNorm1d : public BatchNorm {
 public:
  explicit BatchNorm1d(int64_t num_features, BatchNormOptions options = {})
      : BatchNorm("BatchNorm1d", num_features, {2, 3}, options) {}
};

class BatchNorm2d : public BatchNorm {
 public:
  explicit BatchNorm2d(int64_t num_features, BatchNormOptions options = {})
      : BatchNorm("BatchNorm2d", num_features, {4}, options) {}
};

}  // namespace scidl::nn
