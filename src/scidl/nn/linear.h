// Linear (Keras: Dense): y = x W^T + b with W of shape [out, in] as in PyTorch. An activation
// may be fused in (one pass less over the output); Sequential fuses a following ReLU/Tanh/
// Sigmoid module automatically.
#pragma once
#include "scidl/nn/init.h"
#include "scidl/nn/module.h"
#include "scidl/ops/linalg.h"

namespace scidl::nn {

struct LinearOptions {
  bool bias = true;
  Init init = Init::KaimingUniform;
  DType dtype = DType::Float32;
};

class Linear : public Module {
 public:
  Linear(int64_t in_features, int64_t out_features, LinearOptions options = {},
         Generator& gen = default_generator());
  Tensor forward(const Tensor& x) override { return forward_fused(x, Activation::None); }
  Tensor forward_fused(const Tensor& x, Activation activation);
  std::string describe() const override;
  int64_t in_features() const { return in_; }
  int64_t out_features() const { return out_; }
  const Tensor& weight() const { return weight_; }
  const Tensor& bias() const { return bias_; }

 private:
  int64_t in_, out_;
  Tensor weight_, bias_;
};

}  // namespace scidl::nn
