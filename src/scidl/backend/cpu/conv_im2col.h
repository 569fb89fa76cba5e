// im2col / col2im for one NCHW image (internal to the CPU backend; the GEMM is blas.h's).
// im2col lays the receptive fields out as a [C*kh*kw, OH*OW] matrix, so a convolution becomes
// one GEMM with the [C_out, C*kh*kw] weight; col2im adds such a matrix back onto the image
// (the adjoint, used for the gradient of the input).
#pragma once
#include <algorithm>
#include <cstdint>
#include <type_traits>

#include "scidl/backend/conv_geometry.h"
#include "scidl/backend/cpu/blas.h"
#include "scidl/backend/cpu/isa_region.h"

SCIDL_ISA_BEGIN

struct ImageShape {
  int64_t channels, height, width, out_height, out_width;
};

// The output columns [lo, hi) whose input column ow*stride + offset lies inside [0, width).
inline void valid_range(int64_t offset, int64_t stride, int64_t width, int64_t out_width,
                        int64_t& lo, int64_t& hi) {
  lo = offset >= 0 ? 0 : (-offset + stride - 1) / stride;
  hi = width - 1 - offset < 0 ? 0 : (width - 1 - offset) / stride + 1;
  lo = std::min(lo, out_width);
  hi = std::clamp(hi, lo, out_width);
}

// Rows here are short (an output row, often under 32 values): plain loops the compiler
// vectorises in place beat memcpy/memset calls, so GCC must not turn them into such calls.
#if defined(__GNUC__) && !defined(__clang__)
#define SCIDL_INLINE_COPIES __attribute__((optimize("no-tree-loop-distribute-patterns")))
#else
#define SCIDL_INLINE_COPIES
#endif

template <typename T>
SCIDL_INLINE_COPIES void im2col(const T* x, const ImageShape& s, const Conv2dGeometry& g, T* cols) {
  const int64_t n = s.out_height * s.out_width;
  for (int64_t c = 0; c < s.channels; ++c) {
    const T* plane = x + c * s.height * s.width;
    for (int64_t ki = 0; ki < g.kernel_h; ++ki) {
      for (int64_t kj = 0; kj < g.kernel_w; ++kj) {
        T* row = cols + ((c * g.kernel_h + ki) * g.kernel_w + kj) * n;
        const int64_t offset = kj * g.dilation_w - g.pad_left;
        int64_t lo, hi;
        valid_range(offset, g.stride_w, s.width, s.out_width, lo, hi);
        for (int64_t oh = 0; oh < s.out_height; ++oh) {
          T* r = row + oh * s.out_width;
          const int64_t ih = oh * g.stride_h - g.pad_top + ki * g.dilation_h;
          if (ih < 0 || ih >= s.height) {
            for (int64_t ow = 0; ow < s.out_width; ++ow) r[ow] = T(0);
            continue;
          }
          const T* src = plane + ih * s.width + offset;
          for (int64_t ow = 0; ow < lo; ++ow) r[ow] = T(0);
          if (g.stride_w == 1) {
            for (int64_t ow = lo; ow < hi; ++ow) r[ow] = src[ow];
          } else {
            for (int64_t ow = lo; ow < hi; ++ow) r[ow] = src[ow * g.stride_w];
          }
          for (int64_t ow = hi; ow < s.out_width; ++ow) r[ow] = T(0);
        }
      }
    }
  }
}

// x += col2im(cols); x must be zeroed by the caller for a plain col2im.
template <typename T>
SCIDL_INLINE_COPIES void col2im_add(const T* cols, const ImageShape& s, const Conv2dGeometry& g,
                                    T* x) {
  const int64_t n = s.out_height * s.out_width;
  for (int64_t c = 0; c < s.channels; ++c) {
    T* plane = x + c * s.height * s.width;
    for (int64_t ki = 0; ki < g.kernel_h; ++ki) {
      for (int64_t kj = 0; kj < g.kernel_w; ++kj) {
        const T* row = cols + ((c * g.kernel_h + ki) * g.kernel_w + kj) * n;
        const int64_t offset = kj * g.dilation_w - g.pad_left;
        int64_t lo, hi;
        valid_range(offset, g.stride_w, s.width, s.out_width, lo, hi);
        for (int64_t oh = 0; oh < s.out_height; ++oh) {
          const int64_t ih = oh * g.stride_h - g.pad_top + ki * g.dilation_h;
          if (ih < 0 || ih >= s.height) continue;
          const T* r = row + oh * s.out_width;
          T* dst = plane + ih * s.width + offset;
          if (g.stride_w == 1) {
            for (int64_t ow = lo; ow < hi; ++ow) dst[ow] += r[ow];
          } else {
            for (int64_t ow = lo; ow < hi; ++ow) dst[ow * g.stride_w] += r[ow];
          }
        }
      }
    }
  }
}

SCIDL_ISA_END
