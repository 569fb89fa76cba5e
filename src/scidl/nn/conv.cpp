#include "scidl/nn/conv.h"

#include <fmt/format.h>

namespace scidl::nn {

Conv2d::Conv2d(int64_t in, int64_t out, std::array<int64_t, 2> kernel, Conv2dLayerOptions o,
               Generator& gen)
    : in_(in), out_(out), kernel_(kernel), conv_{o.stride, o.padding, o.dilation} {
  if (in <= 0 || out <= 0 || kernel[0] <= 0 || kernel[1] <= 0)
    throw std::invalid_argument(fmt::format(
        "Conv2d: channels and kernel size must be positive, got {} -> {} with a {}x{} kernel", in,
        out, kernel[0], kernel[1]));
  const int64_t area = kernel[0] * kernel[1];
  weight_ = register_parameter("weight", empty({out, in, kernel[0], kernel[1]}, o.dtype));
  init_weight(weight_, o.init, in * area, out * area, gen);
  if (o.bias) {
    bias_ = register_parameter("bias", empty({out}, o.dtype));
    init_bias(bias_, o.init, in * area, gen);
  }
}

Tensor Conv2d::forward_fused(const Tensor& x, Activation activation) {
  if (x.dim() != 4 || x.shape()[1] != in_)
    throw std::invalid_argument(
        fmt::format("{}: input of shape {} must be [N, {}, H, W] (images as NCHW)", describe(),
                    shape_str(x.shape()), in_));
  return conv2d(x, weight_, bias_, conv_, activation);
}

Shape Conv2d::output_shape(const Shape& chw) const {
  WindowPlan w = plan_window("conv2d", chw.at(1), chw.at(2), kernel_, conv_.stride, conv_.dilation,
                             conv_.padding);
  return {out_, w.out_height, w.out_width};
}

std::string Conv2d::describe() const {
  std::string pad = conv_.padding.mode == PaddingMode::Valid  ? "valid"
                    : conv_.padding.mode == PaddingMode::Same ? "same"
                                                              : "explicit padding";
  std::string extra;
  if (conv_.stride != std::array<int64_t, 2>{1, 1})
    extra += fmt::format(", stride {}x{}", conv_.stride[0], conv_.stride[1]);
  if (conv_.dilation != std::array<int64_t, 2>{1, 1})
    extra += fmt::format(", dilation {}x{}", conv_.dilation[0], conv_.dilation[1]);
  return fmt::format("Conv2d({} -> {}, {}x{}, {}{}{})", in_, out_, kernel_[0], kernel_[1], pad,
                     extra, bias_.defined() ? "" : ", no bias");
}

}  // namespace scidl::nn
