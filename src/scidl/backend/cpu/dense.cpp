// The CPU backend's fused dense layers: float32 through dense_kernels.h; anything else (float64
// for gradient checks, a build without AVX-512, SCIDL_DENSE_KERNELS=0, shapes BLAS does better)
// answers false and the caller composes the layers from BLAS matmul and elementwise passes.
#include "scidl/backend/cpu/cpu_backend.h"
#include "scidl/backend/cpu/dense_kernels.h"

#include <optional>
#include "scidl/backend/cpu/isa_region.h"

SCIDL_ISA_BEGIN

namespace {

bool takes(const Tensor& t) {
  return !t.defined() || (t.dtype() == DType::Float32 && t.is_contiguous());
}

// The chain kernels keep the weight (and per thread a dW of its size) in L2 and split the batch
// between threads; that pays when the batch is tall and the layer narrow, the shape of the
// networks science trains (128 x 128 at batch 64..5000). A wide layer over a short batch, like
// the CNN's 9216 -> 128 at batch 32, takes the wide kernels, which split the weight instead
// (through the chain it trained at 874 images/s, 1088-1441 through BLAS). A handful of rows is
// BLAS's (packing W^T costs as much as the product).
constexpr int64_t kChainWeight = 128 * 1024;  // floats: a weight (and a dW) in L2
bool suits_kernels(int64_t rows, int64_t in, int64_t out) {
  return rows >= 16 && out > 0 && in * out <= kChainWeight;
}
bool suits_wide(int64_t rows, int64_t in, int64_t out) {
  return rows >= 16 && rows <= dense::kWideRows && out > 0 && in * out > kChainWeight;
}

// The one layer as the wide kernels take it, or nothing.
std::optional<dense::Layer> wide_layer(const Tensor& x, const std::vector<DenseLayer>& layers) {
  if (!dense::enabled() || layers.size() != 1 || !takes(x) || x.dim() < 1) return {};
  const DenseLayer& l = layers[0];
  const int64_t in = x.shape().back();
  if (!l.weight.defined() || !takes(l.weight) || !takes(l.bias) || l.weight.dim() != 2 ||
      l.act == Activation::Sigmoid || l.weight.shape()[1] != in || in == 0)
    return {};
  const int64_t out = l.weight.shape()[0];
  if (!suits_wide(x.numel() / in, in, out)) return {};
  return dense::Layer{in, out, l.weight.data<float>(),
                      l.bias.defined() ? l.bias.data<float>() : nullptr, l.act};
}

// The chain's layers as the kernels take them, or empty when the kernels do not take the case.
std::vector<dense::Layer> kernel_layers(const Tensor& x, const std::vector<DenseLayer>& layers) {
  if (!dense::enabled() || layers.empty() || !takes(x) || x.dim() < 1) return {};
  std::vector<dense::Layer> out;
  int64_t width = x.shape().back();
  const int64_t rows = width > 0 ? x.numel() / width : 0;
  for (const DenseLayer& l : layers) {
    if (!l.weight.defined() || !takes(l.weight) || !takes(l.bias) || l.weight.dim() != 2 ||
        l.act == Activation::Sigmoid || l.weight.shape()[1] != width ||
        !suits_kernels(rows, width, l.weight.shape()[0]))
      return {};
    const int64_t o = l.weight.shape()[0];
    out.push_back({width, o, l.weight.data<float>(),
                   l.bias.defined() ? l.bias.data<float>() : nullptr, l.act});
    width = o;
  }
  return out;
}

bool all_taken(const std::vector<Tensor>& ts) {
  for (const Tensor& t : ts)
    if (!takes(t)) return false;
  return true;
}

float* out_ptr(const Tensor& t) { return t.defined() ? t.data<float>() : nullptr; }

}  // namespace

bool CpuBackend::dense_forward(const Tensor& x, const std::vector<DenseLayer>& layers,
                               const std::vector<Tensor>& ys) {
  if (const auto wide = wide_layer(x, layers)) {
    if (ys.size() != 1 || !all_taken(ys)) return false;
    dense::forward_wide(x.numel() / wide->in, x.data<float>(), *wide, ys[0].data<float>());
    return true;
  }
  const std::vector<dense::Layer> k = kernel_layers(x, layers);
  if (k.empty() || ys.size() != k.size() || !all_taken(ys)) return false;
  std::vector<float*> y_ptrs;
  for (const Tensor& y : ys) y_ptrs.push_back(y.data<float>());
  const int64_t rows = x.numel() / k.front().in;
  dense::forward_chain(rows, x.data<float>(), k.data(), int(k.size()), y_ptrs.data());
  return true;
}

bool CpuBackend::dense_backward(const Tensor& x, const std::vector<DenseLayer>& layers,
                                const std::vector<Tensor>& ys, const Tensor& g, const Tensor& gx,
                                const std::vector<Tensor>& gw, const std::vector<Tensor>& gb) {
  if (const auto wide = wide_layer(x, layers)) {
    if (ys.size() != 1 || gw.size() != 1 || gb.size() != 1 || !all_taken(ys) || !all_taken(gw) ||
        !all_taken(gb) || !takes(g) || !takes(gx))
      return false;
    dense::backward_wide(x.numel() / wide->in, x.data<float>(), *wide,
                         ys[0].defined() ? ys[0].data<float>() : nullptr, g.data<float>(),
                         out_ptr(gx), {out_ptr(gw[0]), out_ptr(gb[0])});
    return true;
  }
  const std::vector<dense::Layer> k = kernel_layers(x, layers);
  if (k.empty() || ys.size() != k.size() || gw.size() != k.size() || gb.size() != k.size() ||
      !all_taken(ys) || !all_taken(gw) || !all_taken(gb) || !takes(g) || !takes(gx))
    return false;
  std::vector<const float*> y_ptrs;
  std::vector<dense::LayerGrads> grads;
  for (size_t l = 0; l < k.size(); ++l) {
    y_ptrs.push_back(ys[l].defined() ? ys[l].data<float>() : nullptr);
    grads.push_back({out_ptr(gw[l]), out_ptr(gb[l])});
  }
  const int64_t rows = x.numel() / k.front().in;
  dense::backward_chain(rows, x.data<float>(), k.data(), int(k.size()), y_ptrs.data(),
                        g.data<float>(), out_ptr(gx), grads.data());
  return true;
}

bool CpuBackend::dense_train(const Tensor& x, const std::vector<DenseLayer>& layers,
                             const Tensor& target, FusedLoss loss, const Tensor& prediction,
                             double& loss_sum, const Tensor& gx, const std::vector<Tensor>& gw,
                             const std::vector<Tensor>& gb, const DenseUnitsReady& ready) {
  const std::vector<dense::Layer> k = kernel_layers(x, layers);
  if (k.empty() || gw.size() != k.size() || gb.size() != k.size() || !all_taken(gw) ||
      !all_taken(gb) || !takes(gx) || !target.defined() || !takes(target) ||
      !prediction.defined() || !takes(prediction))
    return false;
  std::vector<dense::LayerGrads> grads;
  for (size_t l = 0; l < k.size(); ++l) grads.push_back({out_ptr(gw[l]), out_ptr(gb[l])});
  const int64_t rows = x.numel() / k.front().in;
  loss_sum =
      dense::train_chain(rows, x.data<float>(), k.data(), int(k.size()), target.data<float>(), loss,
                         prediction.data<float>(), out_ptr(gx), grads.data(), ready);
  return true;
}

SCIDL_ISA_END
