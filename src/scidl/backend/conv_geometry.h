// Geometry of 2-D convolution and pooling windows, shared by ops/ and every backend (NCHW).
// Padding is given by its top/left amounts; the bottom/right padding is implied by the output
// size the caller allocates, so asymmetric "same" padding needs no extra fields.
// Output position (oh, ow) reads input rows oh*stride_h - pad_top + i*dilation_h, i < kernel_h
// (and likewise for columns); positions outside the input count as zero (convolution) or are
// skipped (pooling).
#pragma once
#include <cstdint>

namespace scidl::backend {

struct Conv2dGeometry {
  int64_t kernel_h = 1, kernel_w = 1;
  int64_t stride_h = 1, stride_w = 1;
  int64_t pad_top = 0, pad_left = 0;
  int64_t dilation_h = 1, dilation_w = 1;
};

struct Pool2dGeometry {
  int64_t kernel_h = 2, kernel_w = 2;
  int64_t stride_h = 2, stride_w = 2;
  int64_t pad_top = 0, pad_left = 0;
};

// A convolution's shapes: input [batch, c_in, height, width], output [batch, c_out, out_height,
// out_width], and its window.
struct Conv2dDims {
  int64_t batch, c_in, height, width, c_out, out_height, out_width;
  Conv2dGeometry geometry;
};

}  // namespace scidl::backend
