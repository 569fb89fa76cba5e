// Fused float32 dense-layer kernels (AVX-512): the forward y = act(x W^T + b) and the whole
// backward (activation gradient, dx, dW, db) each in one pass over the batch, with our own
// register-blocked GEMM micro-kernel.
//
// Why not BLAS: the networks science trains are narrow (128 units) and tall (batch 5000).
// OpenBLAS packs both operands for every call and reaches about half of this CPU's FMA peak on
// 5000x128x128 products; around each GEMM sat separate passes for the bias, the activation, its
// gradient and the bias gradient, each a trip through memory. Here the weight (64 KB) stays in
// L2, the batch streams through once per pass and everything else happens while a tile of the
// output is still in registers. bench/run mlp_step measures the result against PyTorch.
#pragma once
#include <cstdint>

namespace scidl::backend::cpu::dense {

// True when this build has the kernels (compiled for a CPU with AVX-512F); callers fall back
// to BLAS otherwise.
bool available();
// Whether the CPU backend uses them: available, and not turned off by SCIDL_DENSE_KERNELS=0 or
// set_enabled(false) (tests compare both paths in one process; benchmarks measure the gain).
bool enabled();
void set_enabled(bool on);

// y[rows, out] = act(x[rows, in] . w[out, in]^T + bias[out]); bias may be null; act is ReLU
// when relu is set, the identity otherwise. All row-major and contiguous.
void forward(int64_t rows, int64_t in, int64_t out, const float* x, const float* w,
             const float* bias, bool relu, float* y);

// Backward of forward(): with gz = relu ? g * (y > 0) : g,
//   gx[rows, in] = gz . w,  gw[out, in] = gz^T . x,  gb[out] = column sums of gz.
// Any of gx, gw, gb may be null (not wanted); y is only read when relu is set.
void backward(int64_t rows, int64_t in, int64_t out, const float* g, const float* y, bool relu,
              const float* x, const float* w, float* gx, float* gw, float* gb);

}  // namespace scidl::backend::cpu::dense
