#include "scidl/ops/conv.h"

#include <fmt/format.h>

#include "scidl/ops/op_util.h"

namespace scidl {

using namespace ops_detail;

Padding2d parse_padding(const std::string& name) {
  if (name == "valid") return Padding2d::valid();
  if (name == "same") return Padding2d::same();
  throw std::invalid_argument(
      fmt::format("unknown padding '{}'; choose \"valid\", \"same\" or a number of pixels", name));
}

namespace {

// Output size and (before, after) padding along one axis.
void plan_axis(const char* op, const char* axis, int64_t size, int64_t kernel, int64_t stride,
               int64_t dilation, PaddingMode mode, int64_t before_in, int64_t after_in,
               int64_t& before, int64_t& after, int64_t& out) {
  if (kernel < 1 || stride < 1 || dilation < 1)
    throw std::invalid_argument(
        fmt::format("{}: kernel ({}), stride ({}) and dilation ({}) must be positive along the {}",
                    op, kernel, stride, dilation, axis));
  const int64_t reach = (kernel - 1) * dilation + 1;  // the dilated kernel's extent
  if (mode == PaddingMode::Same) {
    out = (size + stride - 1) / stride;
    const int64_t total = std::max<int64_t>((out - 1) * stride + reach - size, 0);
    before = total / 2;
    after = total - before;
    return;
  }
  before = mode == PaddingMode::Explicit ? before_in : 0;
  after = mode == PaddingMode::Explicit ? after_in : 0;
  if (before < 0 || after < 0)
    throw std::invalid_argument(fmt::format(
        "{}: padding must not be negative ({} and {} on the {})", op, before, after, axis));
  const int64_t padded = size + before + after;
  if (padded < reach)
    throw std::invalid_argument(fmt::format(
        "{}: the input's {} is {} (padded: {}) but the window spans {}; use padding \"same\", "
        "a smaller kernel or dilation, or a larger input",
        op, axis, size, padded, reach));
  out = (padded - reach) / stride + 1;
}

}  // namespace

WindowPlan plan_window(const char* op, int64_t height, int64_t width, std::array<int64_t, 2> kernel,
                       std::array<int64_t, 2> stride, std::array<int64_t, 2> dilation,
                       const Padding2d& p) {
  WindowPlan w{};
  plan_axis(op, "height", height, kernel[0], stride[0], dilation[0], p.mode, p.top, p.bottom,
            w.pad_top, w.pad_bottom, w.out_height);
  plan_axis(op, "width", width, kernel[1], stride[1], dilation[1], p.mode, p.left, p.right,
            w.pad_left, w.pad_right, w.out_width);
  return w;
}

Tensor conv2d(const Tensor& x_in, const Tensor& weight_in, const Tensor& bias_in,
              const Conv2dOptions& o, Activation act) {
  check_same("conv2d", x_in, weight_in);
  check_floating("conv2d", x_in);
  if (x_in.dim() != 4 || weight_in.dim() != 4 || x_in.shape()[1] != weight_in.shape()[1])
    throw std::invalid_argument(fmt::format(
        "conv2d: input of shape {} does not fit weight of shape {} (expected input [N, {}, H, W] "
        "and weight [C_out, C_in, kh, kw])",
        shape_str(x_in.shape()), shape_str(weight_in.shape()),
        weight_in.dim() == 4 ? weight_in.shape()[1] : -1));
  const int64_t c_out = weight_in.shape()[0];
  if (bias_in.defined()) {
    check_same("conv2d", x_in, bias_in);
    if (bias_in.dim() != 1 || bias_in.shape()[0] != c_out)
      throw std::invalid_argument(fmt::format("conv2d: bias of shape {} for {} output channels",
                                              shape_str(bias_in.shape()), c_out));
  }
  const std::array<int64_t, 2> kernel{weight_in.shape()[2], weight_in.shape()[3]};
  const WindowPlan w = plan_window("conv2d", x_in.shape()[2], x_in.shape()[3], kernel, o.stride,
                                   o.dilation, o.padding);
  const backend::Conv2dGeometry g{kernel[0], kernel[1],  o.stride[0],   o.stride[1],
                                  w.pad_top, w.pad_left, o.dilation[0], o.dilation[1]};
  Tensor x = x_in.contiguous(), weight = weight_in.contiguous();
  Tensor bias = bias_in.defined() ? bias_in.contiguous() : Tensor();
  Tensor y = empty({x.shape()[0], c_out, w.out_height, w.out_width}, x.dtype(), x.device());
  auto& be = backend_of(x);
  be.conv2d(x, weight, bias, y, g, act == Activation::Relu);
  if (act == Activation::Tanh) be.unary(backend::UnaryOp::Tanh, y, y, 0, 0);
  if (act == Activation::Sigmoid) be.unary(backend::UnaryOp::Sigmoid, y, y, 0, 0);

  std::vector<Tensor> inputs{x_in, weight_in};
  if (bias_in.defined()) inputs.push_back(bias_in);
  return record(
      "conv2d", y, inputs,
      [x = x.detach(), weight = weight.detach(),
       y = act == Activation::None ? Tensor() : y.detach(), g, act, has_bias = bias_in.defined(),
       rx = x_in.requires_grad(), rw = weight_in.requires_grad(),
       rb = bias_in.defined() && bias_in.requires_grad()](const Tensor& g_in) {
        auto& be = backend_of(g_in);
        Tensor gy = g_in.contiguous();
        // The gradients, allocated once for whichever path computes them.
        Tensor gx = rx ? empty(x.shape(), x.dtype(), x.device()) : Tensor();
        Tensor gw = rw || rb ? empty(weight.shape(), x.dtype(), x.device()) : Tensor();
        Tensor gb = rb ? empty({weight.shape()[0]}, x.dtype(), x.device()) : Tensor();
        // With a ReLU the backend may fuse its gradient into both passes; otherwise (or if it
        // declines) gy goes through the activation's gradient first.
        if (act != Activation::Relu || !be.conv2d_relu_backward(gy, y, x, weight, gx, gw, gb, g)) {
          gy = activation_backward(act, gy, y);
          if (rx) be.conv2d_backward_input(gy, weight, gx, g);
          if (gw.defined()) be.conv2d_backward_weight(gy, x, gw, gb, g);
        }
        std::vector<Tensor> grads(has_bias ? 3 : 2);
        grads[0] = gx;
        if (rw) grads[1] = gw;
        if (rb) grads[2] = gb;
        return grads;
      });
}

}  // namespace scidl
