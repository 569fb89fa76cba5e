// Conv2d (Keras: Conv2D) over NCHW images: weight [C_out, C_in, kh, kw] and bias [C_out], named
// as in PyTorch so weights move between the two. An activation can be fused in; Sequential
// fuses a following ReLU/Tanh/Sigmoid module automatically, as it does for Linear.
// Contract: forward takes [N, C_in, H, W]; output_shape() gives [C_out, H', W'] for [C_in, H, W]
// (model specs use it to size the layers that follow).
#pragma once
#include <array>

#include "scidl/nn/init.h"
#include "scidl/nn/module.h"
#include "scidl/ops/conv.h"

namespace scidl::nn {

struct Conv2dLayerOptions {
  std::array<int64_t, 2> stride{1, 1};
  Padding2d padding;
  std::array<int64_t, 2> dilation{1, 1};
  bool bias = true;
  Init init = Init::KaimingUniform;
  DType dtype = DType::Float32;
};

class Conv2d : public Module {
 public:
  Conv2d(int64_t in_channels, int64_t out_channels, std::array<int64_t, 2> kernel,
         Conv2dLayerOptions options = {}, Generator& gen = default_generator());
  Tensor forward(const Tensor& x) override { return forward_fused(x, Activation::None); }
  Tensor forward_fused(const Tensor& x, Activation activation);
  std::string describe() const override;
  Shape output_shape(const Shape& chw) const;
  const Tensor& weight() const { return weight_; }
  const Tensor& bias() const { return bias_; }
  std::array<int64_t, 2> kernel() const { return kernel_; }
  const Conv2dOptions& options() const { return conv_; }

 private:
  int64_t in_, out_;
  std::array<int64_t, 2> kernel_;
  Conv2dOptions conv_;
  Tensor weight_, bias_;
};

}  // namespace scidl::nn
