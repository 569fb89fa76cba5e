#include "scidl/train/fused_step.h"

#include <algorithm>
#include <cmath>
#include <utility>
#include <vector>

#include "scidl/autograd/grad_mode.h"
#include "scidl/nn/fusion.h"

namespace scidl::train {

namespace {

// Where a parameter lies in the optimizer's flat buffers (its element offset, the same in the
// parameter and gradient buffers), or -1 when it is not a contiguous part of them.
int64_t flat_offset(const Tensor& p, const optim::Optimizer& optimizer) {
  const Tensor& flat = optimizer.flat_parameters();
  const Tensor& grads = optimizer.flat_gradients();
  const Tensor g = p.grad();
  if (!p.requires_grad() || !p.same_storage(flat) || !p.is_contiguous() || !g.defined() ||
      !g.same_storage(grads) || !g.is_contiguous() ||
      p.offset() - flat.offset() != g.offset() - grads.offset())
    return -1;
  return p.offset() - flat.offset();
}

// Whether the parts [offset, offset + size) tile [0, total) exactly: each element of the flat
// buffers belongs to one chain parameter (none missing, none twice).
bool tile(std::vector<std::pair<int64_t, int64_t>> parts, int64_t total) {
  std::sort(parts.begin(), parts.end());
  int64_t at = 0;
  for (const auto& [offset, size] : parts) {
    if (offset != at) return false;
    at += size;
  }
  return at == total;
}

}  // namespace

std::optional<FusedStep> fused_training_step(nn::Module& model, optim::Optimizer& optimizer,
                                             const Tensor& x, const Tensor& y, FusedLoss loss,
                                             bool apply_update) {
  if (!grad_mode_enabled()) return {};
  const auto chain = nn::whole_dense_chain(model, x);
  if (!chain) return {};
  const size_t n = chain->weights.size();
  std::vector<int64_t> weight_at(n), bias_at(n, -1);
  std::vector<Tensor> weight_grads(n), bias_grads(n);
  std::vector<std::pair<int64_t, int64_t>> parts;
  for (size_t l = 0; l < n; ++l) {
    const Tensor &w = chain->weights[l], &b = chain->biases[l];
    if ((weight_at[l] = flat_offset(w, optimizer)) < 0) return {};
    parts.emplace_back(weight_at[l], w.numel());
    weight_grads[l] = w.grad();
    if (b.defined()) {
      if ((bias_at[l] = flat_offset(b, optimizer)) < 0) return {};
      parts.emplace_back(bias_at[l], b.numel());
      bias_grads[l] = b.grad();
    }
  }
  if (!tile(std::move(parts), optimizer.flat_parameters().numel())) return {};

  // Layer l's units [begin, end): rows of its weight [out, in], entries of its bias.
  backend::DenseUnitsReady update = [&](int l, int64_t begin, int64_t end) {
    const int64_t in = chain->weights[size_t(l)].shape()[1];
    optimizer.update({weight_at[size_t(l)] + begin * in, weight_at[size_t(l)] + end * in});
    if (bias_at[size_t(l)] >= 0)
      optimizer.update({bias_at[size_t(l)] + begin, bias_at[size_t(l)] + end});
  };
  if (!apply_update) update = [](int, int64_t, int64_t) {};
  NoGradGuard no_graph;  // the gradients are the pass's own; nothing is recorded
  const DenseChainLoss step = dense_chain_step(x, chain->weights, chain->biases, chain->activations,
                                               y, loss, weight_grads, bias_grads, update);
  if (!step.loss.defined()) return {};
  const double value = step.loss.item();
  const bool updated = apply_update && std::isfinite(value);
  if (updated) optimizer.finish_step();
  return FusedStep{step.prediction, value, updated};
}

}  // namespace scidl::train
