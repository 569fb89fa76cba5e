// 2-D convolution as a differentiable op (NCHW; weight [C_out, C_in, kh, kw] as in PyTorch).
// Padding follows Keras: "valid" (none), "same" (output = ceil(input / stride), the extra row or
// column of an odd total going to the bottom/right, as TensorFlow does), or explicit amounts.
// An activation may be fused in (ReLU runs inside the kernel while the output is in cache).
// Contract: x is [N, C_in, H, W] with C_in matching the weight; bias is [C_out] or undefined;
// the output must have at least one row and column, else the error names the sizes.
#pragma once
#include <array>
#include <string>

#include "scidl/backend/conv_geometry.h"
#include "scidl/ops/linalg.h"
#include "scidl/tensor/tensor.h"

namespace scidl {

enum class PaddingMode { Valid, Same, Explicit };

struct Padding2d {
  PaddingMode mode = PaddingMode::Valid;
  int64_t top = 0, bottom = 0, left = 0, right = 0;  // used when mode is Explicit
  static Padding2d valid() { return {}; }
  static Padding2d same() { return {PaddingMode::Same}; }
  static Padding2d symmetric(int64_t rows, int64_t cols) {
    return {PaddingMode::Explicit, rows, rows, cols, cols};
  }
};

// "valid", "same"; anything else throws naming the choices.
Padding2d parse_padding(const std::string& name);

struct Conv2dOptions {
  std::array<int64_t, 2> stride{1, 1};
  Padding2d padding;
  std::array<int64_t, 2> dilation{1, 1};
};

// The padded geometry and output size of a window over an input of size (height, width).
struct WindowPlan {
  int64_t pad_top, pad_bottom, pad_left, pad_right, out_height, out_width;
};
WindowPlan plan_window(const char* op, int64_t height, int64_t width, std::array<int64_t, 2> kernel,
                       std::array<int64_t, 2> stride, std::array<int64_t, 2> dilation,
                       const Padding2d& padding);

Tensor conv2d(const Tensor& x, const Tensor& weight, const Tensor& bias,
              const Conv2dOptions& options = {}, Activation activation = Activation::None);

}  // namespace scidl
