// LayerNorm over the last dimension with PyTorch's semantics and names (weight, bias).
#pragma once
#include "scidl/nn/module.h"

namespace scidl::nn {

class LayerNorm : public Module {
 public:
  // A learnable weight (ones) and bias (zeros) of [features] unless !affine.
  LayerNorm(int64_t features, double eps = 1e-5, bool affine = true, DType dtype = DType::Float32);
  Tensor forward(const Tensor& x) override;
  std::string describe() const override;
  double eps() const { return eps_; }
  const Tensor& weight() const { return weight_; }  // undefined without affine
  const Tensor& bias() const { return bias_; }

 private:
  int64_t features_;
  double eps_;
  Tensor weight_, bias_;
};

}  // namespace scidl::nn
