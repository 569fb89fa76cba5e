// Pooling over NCHW images as differentiable ops. Windows use Keras's padding names: "valid"
// drops positions that do not fill a window, "same" gives ceil(input / stride) outputs per axis
// with windows clipped at the border (max ignores, average does not count, what lies outside).
// Contract: x is [N, C, H, W]; stride 0 means "equal to the kernel" (the Keras default).
#pragma once
#include <array>

#include "scidl/ops/conv.h"
#include "scidl/tensor/tensor.h"

namespace scidl {

struct Pool2dOptions {
  std::array<int64_t, 2> kernel{2, 2};
  std::array<int64_t, 2> stride{0, 0};
  Padding2d padding;
};

Tensor max_pool2d(const Tensor& x, const Pool2dOptions& options = {});
Tensor avg_pool2d(const Tensor& x, const Pool2dOptions& options = {});
// Mean over height and width: [N, C, H, W] -> [N, C].
Tensor global_avg_pool2d(const Tensor& x);

}  // namespace scidl
