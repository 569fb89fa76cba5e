// A chain of dense layers as one autograd node, so a backend with fused kernels runs the whole
// chain forward in one pass over the batch and the whole backward in another (see
// backend::Backend::dense_forward). Without them it is exactly linear() composed.
#include <fmt/format.h>

#include "scidl/backend/backend.h"
#include "scidl/ops/linalg.h"
#include "scidl/ops/op_util.h"

namespace scidl {

using namespace ops_detail;

namespace {
// A contiguous tensor seen with another shape of the same size (no copy, no autograd node).
Tensor view_as(const Tensor& t, const Shape& shape) {
  return t.as_strided(shape, contiguous_strides(shape), t.offset());
}
}  // namespace

Tensor dense_chain(const Tensor& x, const std::vector<Tensor>& weights,
                   const std::vector<Tensor>& biases, const std::vector<Activation>& activations) {
  if (weights.size() != biases.size() || weights.size() != activations.size())
    throw std::invalid_argument(fmt::format(
        "dense_chain: {} weights, {} biases and {} activations (one of each per layer)",
        weights.size(), biases.size(), activations.size()));
  auto composed = [&] {
    Tensor y = x;
    for (size_t l = 0; l < weights.size(); ++l) y = linear(y, weights[l], biases[l], activations[l]);
    return y;
  };
  if (weights.empty() || x.dim() < 1) return composed();
  // Only what the kernels take goes further; every shape error is linear()'s to report.
  int64_t width = x.shape().back();
  std::vector<backend::DenseLayer> layers;
  for (size_t l = 0; l < weights.size(); ++l) {
    const Tensor &w = weights[l], &b = biases[l];
    const auto act = fused_activation(activations[l]);
    if (!act || !w.defined() || w.dim() != 2 ||
        w.shape()[1] != width || w.dtype() != x.dtype() || w.device() != x.device() ||
        (b.defined() && (b.dim() != 1 || b.shape()[0] != w.shape()[0] || b.dtype() != x.dtype())))
      return composed();
    layers.push_back({w, b, *act});
    width = w.shape()[0];
  }
  const int64_t in = x.shape().back(), rows = in > 0 ? x.numel() / in : 0;
  Tensor x2 = view_as(x.is_contiguous() ? x : x.contiguous(), {rows, in});
  std::vector<Tensor> ys;
  for (const auto& l : layers) ys.push_back(empty({rows, l.weight.shape()[0]}, x.dtype(), x.device()));
  auto& be = backend::backend_of(x);
  if (!be.dense_forward(x2, layers, ys)) return composed();

  Shape out_shape = x.shape();
  out_shape.back() = width;
  Tensor out = view_as(ys.back(), out_shape);
  std::vector<Tensor> inputs{x};
  std::vector<bool> wants{x.requires_grad()};
  for (const auto& l : layers) {
    inputs.push_back(l.weight);
    wants.push_back(l.weight.requires_grad());
    if (l.bias.defined()) {
      inputs.push_back(l.bias);
      wants.push_back(l.bias.requires_grad());
    }
  }
  std::vector<backend::DenseLayer> saved;
  for (const auto& l : layers)
    saved.push_back({l.weight.detach(), l.bias.defined() ? l.bias.detach() : Tensor(), l.act});
  std::vector<Tensor> saved_ys;
  for (const Tensor& y : ys) saved_ys.push_back(y.detach());
  return record(
      "dense_chain", out, inputs,
      [x2 = x2.detach(), saved, saved_ys, wants, xshape = x.shape(), rows](const Tensor& g_in) {
        auto& be = backend::backend_of(g_in);
        Tensor g = view_as(g_in.contiguous(), {rows, saved_ys.back().shape()[1]});
        Tensor gx = wants[0] ? empty(xshape, g.dtype(), g.device()) : Tensor();
        std::vector<Tensor> gw, gb;
        size_t i = 1;
        for (const auto& l : saved) {
          gw.push_back(wants[i++] ? empty(l.weight.shape(), g.dtype(), g.device()) : Tensor());
          gb.push_back(l.bias.defined() && wants[i++] ? empty(l.bias.shape(), g.dtype(), g.device())
                                                      : Tensor());
        }
        if (!be.dense_backward(x2, saved, saved_ys, g, gx, gw, gb))
          throw std::logic_error("dense_chain: the backend ran the forward but not the backward");
        std::vector<Tensor> grads{gx};
        for (size_t l = 0; l < saved.size(); ++l) {
          grads.push_back(gw[l]);
          if (saved[l].bias.defined()) grads.push_back(gb[l]);
        }
        return grads;
      });
}

}  // namespace scidl
