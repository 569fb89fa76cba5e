// Winograd F(2x2, 3x3) float32 convolutions (AVX-512) for 3x3 kernels with stride 1: the
// forward, the gradient w.r.t. the input and the gradient w.r.t. the weights, NCHW in and out.
//
// Why: the 3x3 convolutions of the CNNs science trains (the lecture's Fashion-MNIST networks)
// spent most of a training step in multiply-adds our direct kernels already run at 80-90% of
// this CPU's FMA peak; F(2x2, 3x3) computes each 2x2 block of outputs from a 4x4 block of input
// with 16 multiplies instead of 36, so the same step needs 2.25x fewer of them (plus cheap
// transforms).
//
// How (Lavin & Gray, "Fast Algorithms for Convolutional Neural Networks", 2016): with input
// tiles d (4x4, overlapping by 2), V = B^T d B; weights U = G g G^T; the output tile is
// Y = A^T [sum over input channels of U . V] A. The channel sum, for each of the 16 positions
// of the transformed tile, is a GEMM [tiles x c_in] . [c_in x c_out] run by the dense kernels'
// micro-kernel (gemm_tiles.h); the transforms are vectorised over 16 channels at a time on
// images turned channels-last (HWC) once per image. The input gradient is the same convolution
// of the output gradient (padded by 2) with the weights flipped and transposed; the weight
// gradient is dU = sum over tiles of (A dY A^T) . V, one GEMM per position, then
// dg = G^T dU G. bench/run cnn measures the result against PyTorch.
#pragma once
#include <cstdint>

#include "scidl/backend/conv_geometry.h"

namespace scidl::backend::cpu::conv_winograd {

// Every instruction set's copy of the backend has the kernels (isa.h). Whether the CPU backend
// uses them: unless turned off by SCIDL_KERNELS=no-winograd or set_enabled(false) (tests compare
// every path in one process; benchmarks measure the gain).
bool enabled();
void set_enabled(bool on);
// Enabled, and a convolution they compute well: a 3x3 kernel, stride 1, no dilation, at least
// 16 channels in and out (fewer make the per-position GEMMs too thin to pay for the
// transforms: the first layer on a grey image is the direct kernels' case), sizes whose
// scratch fits comfortably in memory.
bool suits(const Conv2dDims& d);

// The kernels below run in the active instruction set's copy (isa.h).
// Pointers are dense NCHW / OIHW float32 arrays of the stated shapes; every output is
// overwritten. y = conv(x, w) + b (b may be null), then ReLU when `relu`.
void forward(const Conv2dDims& d, const float* x, const float* w, const float* b, float* y,
             bool relu);
// The backward, each image's gy read (and masked) once: gy is first masked by relu_y > 0 when
// relu_y (the forward's output after its ReLU) is not null; gx = the input gradient, gw and gb
// = the weight and bias gradients; any of the three may be null.
void backward(const Conv2dDims& d, const float* gy, const float* relu_y, const float* x,
              const float* w, float* gx, float* gw, float* gb);

}  // namespace scidl::backend::cpu::conv_winograd

// This instruction set's copy of the kernels, where one is compiled (isa_region.h).
#if defined(SCIDL_CPU_ISA_LEVEL)
#include "scidl/backend/cpu/isa_region.h"

SCIDL_ISA_BEGIN
namespace conv_winograd {
using cpu::conv_winograd::enabled;
using cpu::conv_winograd::suits;
decltype(cpu::conv_winograd::forward) forward;
decltype(cpu::conv_winograd::backward) backward;
}  // namespace conv_winograd
SCIDL_ISA_END
#endif
