// scidl's own float32 2-D convolutions (AVX-512), for stride 1 and no dilation: the forward,
// the gradient w.r.t. the input and the gradient w.r.t. the weights, all NCHW, with no layout
// changes and no im2col matrix.
//
// Why: the CNNs science trains are small (tens of channels, images of tens of pixels). oneDNN
// computes them in its blocked layout (nChw16c), so every call reordered the input and the
// output in and out of NCHW; on the lecture's Fashion-MNIST network those reorders were a fifth
// of oneDNN's time and its direct kernels ran at about half of this CPU's FMA peak.
//
// How: "wide rows". A stride-1 convolution over an input padded to Hp x Wp, computed at every
// position p = oh * Wp + ow with ow over the whole padded width (the last KW - 1 columns of each
// row are discarded), reads input element (c, oh + i, ow + j) at p + c * Hp * Wp + i * Wp + j:
// for every tap k = (c, i, j) the operand is the padded input itself, shifted by a constant.
// So the forward is a GEMM out[m, p] = sum_k w[m, k] in[off(k) + p] whose B rows are unaligned
// loads from the padded image (no im2col copy), computed by a register-blocked micro-kernel;
// the input gradient is the same product over the output gradient padded by KH - 1, KW - 1
// with the weights flipped; the weight gradient dW^T[k, m] = sum_p in[off(k) + p] gz[m, p] is
// a second micro-kernel over gz transposed. The discarded columns cost Wp / OW more work
// (8% on a 26-pixel image). bench/run cnn measures the result against PyTorch.
#pragma once
#include <cstdint>

#include "scidl/backend/conv_geometry.h"

namespace scidl::backend::cpu::conv_kernels {

// Every instruction set's copy of the backend has the kernels (isa.h). Whether the CPU backend
// uses them: unless turned off by SCIDL_KERNELS=no-conv or set_enabled(false) (tests compare
// every path in one process; benchmarks measure the gain).
bool enabled();
void set_enabled(bool on);
// Enabled, and a convolution these kernels compute: stride 1, dilation 1, sizes whose scratch
// fits comfortably in memory.
bool suits(const Conv2dDims& d);

// The kernels below run in the active instruction set's copy (isa.h).
// Pointers are dense NCHW / OIHW float32 arrays of the stated shapes; every output is
// overwritten. relu_y, when not null, is the forward's output after its ReLU: the incoming
// gradient gy is then masked by relu_y > 0 first (the ReLU's backward, fused).
// y = conv(x, w) + b (b may be null), then ReLU when `relu`.
void forward(const Conv2dDims& d, const float* x, const float* w, const float* b, float* y,
             bool relu);
// gx = d(sum(gy * conv(x, w)))/dx.
void backward_data(const Conv2dDims& d, const float* gy, const float* relu_y, const float* w,
                   float* gx);
// gw = d(sum(gy * conv(x, w)))/dw, and gb (when not null) = gy summed over batch and space.
void backward_weights(const Conv2dDims& d, const float* gy, const float* relu_y, const float* x,
                      float* gw, float* gb);
// Both at once, each image's gy read (and masked) once: gx, or gw (with gb), may be null.
void backward_both(const Conv2dDims& d, const float* gy, const float* relu_y, const float* x,
                   const float* w, float* gx, float* gw, float* gb);

}  // namespace scidl::backend::cpu::conv_kernels

// This instruction set's copy of the kernels, where one is compiled (isa_region.h).
#if defined(SCIDL_CPU_ISA_LEVEL)
#include "scidl/backend/cpu/isa_region.h"

SCIDL_ISA_BEGIN
namespace conv_kernels {
using cpu::conv_kernels::enabled;
using cpu::conv_kernels::suits;
decltype(cpu::conv_kernels::forward) forward;
decltype(cpu::conv_kernels::backward_data) backward_data;
decltype(cpu::conv_kernels::backward_weights) backward_weights;
decltype(cpu::conv_kernels::backward_both) backward_both;
}  // namespace conv_kernels
SCIDL_ISA_END
#endif
