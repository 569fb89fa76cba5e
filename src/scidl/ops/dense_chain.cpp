// A chain of dense layers as one autograd node, so a backend with fused kernels runs the whole
// chain forward in one pass over the batch and the whole backward in another (see
// backend::Backend::dense_forward). Without them it is exactly linear() composed. And the chain
// with its loss as one node, forward and backward in a single pass (Backend::dense_train).
#include <fmt/format.h>

#include <algorithm>
#include <optional>

#include "scidl/autograd/grad_mode.h"
#include "scidl/backend/backend.h"
#include "scidl/ops/elementwise.h"
#include "scidl/ops/linalg.h"
#include "scidl/ops/op_util.h"

namespace scidl {

using namespace ops_detail;

namespace {
// A contiguous tensor seen with another shape of the same size (no copy, no autograd node).
Tensor view_as(const Tensor& t, const Shape& shape) {
  return t.as_strided(shape, contiguous_strides(shape), t.offset());
}

// The chain as the backend's fused kernels take it (weights of matching widths, dtypes and
// devices; ReLU, tanh or no activation), or nothing: then every op is composed, and any shape
// error is linear()'s to report.
std::optional<std::vector<backend::DenseLayer>> fusable_layers(
    const Tensor& x, const std::vector<Tensor>& weights, const std::vector<Tensor>& biases,
    const std::vector<Activation>& activations) {
  if (weights.size() != biases.size() || weights.size() != activations.size())
    throw std::invalid_argument(
        fmt::format("dense_chain: {} weights, {} biases and {} activations (one of each per layer)",
                    weights.size(), biases.size(), activations.size()));
  if (weights.empty() || x.dim() < 1) return {};
  int64_t width = x.shape().back();
  std::vector<backend::DenseLayer> layers;
  for (size_t l = 0; l < weights.size(); ++l) {
    const Tensor &w = weights[l], &b = biases[l];
    const auto act = fused_activation(activations[l]);
    if (!act || !w.defined() || w.dim() != 2 || w.shape()[1] != width || w.dtype() != x.dtype() ||
        w.device() != x.device() ||
        (b.defined() && (b.dim() != 1 || b.shape()[0] != w.shape()[0] || b.dtype() != x.dtype())))
      return {};
    layers.push_back({w, b, *act});
    width = w.shape()[0];
  }
  return layers;
}

// The autograd inputs of a fused chain (x, then each layer's weight and bias when it has one)
// and which of them want a gradient.
struct ChainInputs {
  std::vector<Tensor> tensors;
  std::vector<bool> wants;
};
ChainInputs chain_inputs(const Tensor& x, const std::vector<backend::DenseLayer>& layers) {
  ChainInputs in{{x}, {x.requires_grad()}};
  for (const auto& l : layers) {
    in.tensors.push_back(l.weight);
    in.wants.push_back(l.weight.requires_grad());
    if (l.bias.defined()) {
      in.tensors.push_back(l.bias);
      in.wants.push_back(l.bias.requires_grad());
    }
  }
  return in;
}

// Buffers for the gradients a fused backward writes: gx, and each layer's gw and gb where
// wanted (undefined tensors where not), in chain_inputs' order.
struct ChainGrads {
  Tensor gx;
  std::vector<Tensor> gw, gb;
  ChainGrads(const std::vector<backend::DenseLayer>& layers, const std::vector<bool>& wants,
             const Shape& x_shape, const Tensor& like) {
    gx = wants[0] ? empty(x_shape, like.dtype(), like.device()) : Tensor();
    size_t i = 1;
    for (const auto& l : layers) {
      gw.push_back(wants[i++] ? empty(l.weight.shape(), like.dtype(), like.device()) : Tensor());
      gb.push_back(l.bias.defined() && wants[i++]
                       ? empty(l.bias.shape(), like.dtype(), like.device())
                       : Tensor());
    }
  }
  std::vector<Tensor> in_input_order(const std::vector<backend::DenseLayer>& layers) const {
    std::vector<Tensor> grads{gx};
    for (size_t l = 0; l < layers.size(); ++l) {
      grads.push_back(gw[l]);
      if (layers[l].bias.defined()) grads.push_back(gb[l]);
    }
    return grads;
  }
};

// What dense_train takes besides the gradients: the chain, x and the target as [rows, width]
// views, and a buffer for the prediction; nothing when the kernels do not take the case
// (a target of another shape or type included: the composed ops' errors then name the shapes).
struct TrainOperands {
  std::vector<backend::DenseLayer> layers;
  Tensor x2, target2, prediction;
  Shape out_shape;
};
std::optional<TrainOperands> train_operands(const Tensor& x, const std::vector<Tensor>& weights,
                                            const std::vector<Tensor>& biases,
                                            const std::vector<Activation>& activations,
                                            const Tensor& target) {
  auto layers = fusable_layers(x, weights, biases, activations);
  if (!layers) return {};
  Shape out_shape = x.shape();
  out_shape.back() = layers->back().weight.shape()[0];
  if (!target.defined() || target.shape() != out_shape || target.dtype() != x.dtype() ||
      target.device() != x.device())
    return {};
  const int64_t in = x.shape().back(), rows = in > 0 ? x.numel() / in : 0;
  const int64_t outputs = out_shape.back();
  if (rows == 0 || outputs == 0) return {};
  return TrainOperands{
      std::move(*layers), view_as(x.is_contiguous() ? x : x.contiguous(), {rows, in}),
      view_as(target.is_contiguous() ? target : target.contiguous(), {rows, outputs}),
      empty({rows, outputs}, x.dtype(), x.device()), out_shape};
}

// The mean loss from dense_train's sum.
Tensor mean_loss(double loss_sum, const TrainOperands& op) {
  return scalar_tensor(loss_sum / double(op.prediction.numel()), op.x2.dtype(), op.x2.device());
}

std::vector<backend::DenseLayer> detached(const std::vector<backend::DenseLayer>& layers) {
  std::vector<backend::DenseLayer> saved;
  for (const auto& l : layers)
    saved.push_back({l.weight.detach(), l.bias.defined() ? l.bias.detach() : Tensor(), l.act});
  return saved;
}

}  // namespace

Tensor dense_chain(const Tensor& x, const std::vector<Tensor>& weights,
                   const std::vector<Tensor>& biases, const std::vector<Activation>& activations) {
  auto composed = [&] {
    Tensor y = x;
    for (size_t l = 0; l < weights.size(); ++l)
      y = linear(y, weights[l], biases[l], activations[l]);
    return y;
  };
  const auto layers = fusable_layers(x, weights, biases, activations);
  if (!layers) return composed();
  const int64_t in = x.shape().back(), rows = in > 0 ? x.numel() / in : 0;
  Tensor x2 = view_as(x.is_contiguous() ? x : x.contiguous(), {rows, in});
  std::vector<Tensor> ys;
  for (const auto& l : *layers)
    ys.push_back(empty({rows, l.weight.shape()[0]}, x.dtype(), x.device()));
  auto& be = backend::backend_of(x);
  if (!be.dense_forward(x2, *layers, ys)) return composed();

  Shape out_shape = x.shape();
  out_shape.back() = ys.back().shape()[1];
  Tensor out = view_as(ys.back(), out_shape);
  ChainInputs inputs = chain_inputs(x, *layers);
  std::vector<Tensor> saved_ys;
  for (const Tensor& y : ys) saved_ys.push_back(y.detach());
  return record(
      "dense_chain", out, std::move(inputs.tensors),
      [x2 = x2.detach(), saved = detached(*layers), saved_ys, wants = inputs.wants,
       xshape = x.shape(), rows](const Tensor& g_in) {
        auto& be = backend::backend_of(g_in);
        Tensor g = view_as(g_in.contiguous(), {rows, saved_ys.back().shape()[1]});
        const ChainGrads grads(saved, wants, xshape, g);
        if (!be.dense_backward(x2, saved, saved_ys, g, grads.gx, grads.gw, grads.gb))
          throw std::logic_error("dense_chain: the backend ran the forward but not the backward");
        return grads.in_input_order(saved);
      });
}

DenseChainLoss dense_chain_loss(const Tensor& x, const std::vector<Tensor>& weights,
                                const std::vector<Tensor>& biases,
                                const std::vector<Activation>& activations, const Tensor& target,
                                FusedLoss loss) {
  if (!grad_mode_enabled()) return {};
  auto op = train_operands(x, weights, biases, activations, target);
  if (!op) return {};
  ChainInputs inputs = chain_inputs(x, op->layers);
  if (std::none_of(inputs.wants.begin(), inputs.wants.end(), [](bool w) { return w; })) return {};
  const ChainGrads grads(op->layers, inputs.wants, x.shape(), x);
  double loss_sum = 0;
  if (!backend::backend_of(x).dense_train(op->x2, op->layers, op->target2, loss, op->prediction,
                                          loss_sum, grads.gx, grads.gw, grads.gb, {}))
    return {};
  // The gradients are already computed; the node's backward scales them by the seed (1 for
  // loss.backward(), which they are returned as they are for).
  Tensor out = record("dense_chain_loss", mean_loss(loss_sum, *op), std::move(inputs.tensors),
                      [computed = grads.in_input_order(op->layers)](const Tensor& g) {
                        if (g.item() == 1.0) return computed;
                        std::vector<Tensor> scaled;
                        for (const Tensor& c : computed)
                          scaled.push_back(c.defined() ? mul(c, g) : Tensor());
                        return scaled;
                      });
  return {out, view_as(op->prediction, op->out_shape)};
}

DenseChainLoss dense_chain_step(const Tensor& x, const std::vector<Tensor>& weights,
                                const std::vector<Tensor>& biases,
                                const std::vector<Activation>& activations, const Tensor& target,
                                FusedLoss loss, const std::vector<Tensor>& weight_grads,
                                const std::vector<Tensor>& bias_grads,
                                const backend::DenseUnitsReady& ready) {
  auto op = train_operands(x, weights, biases, activations, target);
  if (!op || weight_grads.size() != weights.size() || bias_grads.size() != biases.size()) return {};
  for (size_t l = 0; l < weights.size(); ++l)
    if (!weight_grads[l].defined() || weight_grads[l].shape() != weights[l].shape() ||
        bias_grads[l].defined() != biases[l].defined() ||
        (biases[l].defined() && bias_grads[l].shape() != biases[l].shape()))
      return {};
  double loss_sum = 0;
  if (!backend::backend_of(x).dense_train(op->x2, op->layers, op->target2, loss, op->prediction,
                                          loss_sum, Tensor(), weight_grads, bias_grads, ready))
    return {};
  return {mean_loss(loss_sum, *op), view_as(op->prediction, op->out_shape)};
}

}  // namespace scidl
