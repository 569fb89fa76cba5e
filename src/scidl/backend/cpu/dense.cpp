// The CPU backend's fused dense layer: float32 through dense_kernels.h; anything else (float64
// for gradient checks, a build without AVX-512, SCIDL_DENSE_KERNELS=0) answers false and the
// caller composes the layer from BLAS matmul and elementwise passes.
#include "scidl/backend/cpu/cpu_backend.h"
#include "scidl/backend/cpu/dense_kernels.h"

namespace scidl::backend::cpu {

namespace {

bool takes(const Tensor& t) {
  return !t.defined() || (t.dtype() == DType::Float32 && t.is_contiguous());
}

// The kernels keep the weight (and per thread a dW of its size) in L2 and split the batch
// between threads; that pays when the batch is tall and the layer narrow, the shape of the
// networks science trains (128 x 128 at batch 64..5000). A wide layer, like the CNN's
// 9216 -> 128 at batch 32, is BLAS's case: it splits the weight instead and packs no
// transposed copy (measured: the lecture CNN trained at 874 images/s through the kernels,
// 1088-1441 through BLAS). A handful of rows is BLAS's too (packing W^T costs as much as the
// product).
bool suits_kernels(int64_t rows, int64_t in, int64_t out) {
  return rows >= 16 && out > 0 && in * out <= 128 * 1024;
}

const float* in_ptr(const Tensor& t) { return t.defined() ? t.data<float>() : nullptr; }
float* out_ptr(const Tensor& t) { return t.defined() ? t.data<float>() : nullptr; }

}  // namespace

bool CpuBackend::dense_forward(const Tensor& x, const Tensor& w, const Tensor& bias, bool relu,
                               const Tensor& y) {
  if (!dense::enabled() || !takes(x) || !takes(w) || !takes(bias) || !takes(y)) return false;
  const int64_t out = w.shape()[0], in = w.shape()[1], rows = out > 0 ? y.numel() / out : 0;
  if (!suits_kernels(rows, in, out)) return false;
  dense::forward(rows, in, out, x.data<float>(), w.data<float>(), in_ptr(bias), relu,
                 y.data<float>());
  return true;
}

bool CpuBackend::dense_backward(const Tensor& g, const Tensor& y, bool relu, const Tensor& x,
                                const Tensor& w, const Tensor& gx, const Tensor& gw,
                                const Tensor& gb) {
  if (!dense::enabled()) return false;
  for (const Tensor* t : {&g, &y, &x, &w, &gx, &gw, &gb})
    if (!takes(*t)) return false;
  const int64_t out = w.shape()[0], in = w.shape()[1], rows = out > 0 ? g.numel() / out : 0;
  if (!suits_kernels(rows, in, out)) return false;
  dense::backward(rows, in, out, g.data<float>(), relu ? y.data<float>() : nullptr, relu,
                  x.data<float>(), w.data<float>(), out_ptr(gx), out_ptr(gw), out_ptr(gb));
  return true;
}

}  // namespace scidl::backend::cpu
