#include "scidl/nn/normalization.h"

#include <fmt/format.h>

#include <cmath>

#include "scidl/autograd/grad_mode.h"
#include "scidl/ops/elementwise.h"
#include "scidl/ops/shape_ops.h"

namespace scidl::nn {

Normalization::Normalization(int64_t features, DType dtype, bool invert)
    : features_(features), invert_(invert) {
  if (features < 1)
    throw std::invalid_argument(
        fmt::format("Normalization: needs features >= 1, got {}", features));
  mean_ = register_buffer("mean", zeros({features}, dtype));
  variance_ = register_buffer("variance", ones({features}, dtype));
  count_ = register_buffer("count", zeros({}, DType::Float64));
}

bool Normalization::adapted() const { return count_.item() > 0; }

void Normalization::begin_adapt() {
  collecting_ = true;
  seen_ = 0;
  sum_mean_.assign(size_t(features_), 0.0);
  sum_m2_.assign(size_t(features_), 0.0);
}

void Normalization::finish_adapt() {
  if (!collecting_) throw std::logic_error("Normalization::finish_adapt without begin_adapt");
  collecting_ = false;
  if (seen_ == 0) throw std::invalid_argument("Normalization: adapt saw no data");
  std::vector<double> var(static_cast<size_t>(features_));
  for (size_t f = 0; f < var.size(); ++f) var[f] = sum_m2_[f] / double(seen_);
  mean_.copy_(from_vector(sum_mean_, {features_}));
  variance_.copy_(from_vector(var, {features_}));
  count_.fill_(double(seen_));
}

Tensor Normalization::forward(const Tensor& x) {
  if (x.dim() < 1 || x.shape().back() != features_)
    throw std::invalid_argument(fmt::format("{}: expects inputs [..., {}], got {}", describe(),
                                            features_, shape_str(x.shape())));
  if (collecting_) {
    // Chan et al.'s update of (count, mean, M2) by a batch, per feature, in float64.
    const auto v = x.contiguous().to_vector<double>();
    const int64_t rows = int64_t(v.size()) / features_;
    for (int64_t f = 0; f < features_; ++f) {
      double mean = 0, m2 = 0;
      for (int64_t r = 0; r < rows; ++r) mean += v[size_t(r * features_ + f)];
      mean /= double(rows);
      for (int64_t r = 0; r < rows; ++r) {
        const double d = v[size_t(r * features_ + f)] - mean;
        m2 += d * d;
      }
      const double n = double(seen_), total = n + double(rows);
      const double delta = mean - sum_mean_[size_t(f)];
      sum_mean_[size_t(f)] += delta * double(rows) / total;
      sum_m2_[size_t(f)] += m2 + delta * delta * n * double(rows) / total;
    }
    seen_ += rows;
    return x;
  }
  if (pass_through_) return x;
  if (!adapted())
    throw std::invalid_argument(fmt::format(
        "{} was never adapted: it learns its mean and variance from the training data before "
        "training (scidl train and Trainer::fit do it; in C++ call train::adapt_normalization)",
        describe()));
  Tensor scale = maximum(sqrt(variance_), full({}, 1e-7, variance_.dtype()));
  return invert_ ? x * scale + mean_ : (x - mean_) / scale;
}

std::string Normalization::describe() const {
  return fmt::format("Normalization({}{})", features_, invert_ ? ", invert" : "");
}

namespace {
void find_normalizations(Module& m, std::vector<Normalization*>& out) {
  if (auto* n = dynamic_cast<Normalization*>(&m)) out.push_back(n);
  for (const auto& [name, child] : m.children()) find_normalizations(*child, out);
}
}  // namespace

void adapt_normalization(Module& model,
                         const std::function<void(const BatchVisitor&)>& each_batch) {
  std::vector<Normalization*> layers;
  find_normalizations(model, layers);
  NoGradGuard no_grad;
  const bool was_training = model.is_training();
  model.eval();
  std::vector<Normalization*> pending;
  for (Normalization* layer : layers)
    if (!layer->adapted()) pending.push_back(layer);
  for (Normalization* layer : pending) layer->set_pass_through(true);
  try {
    for (Normalization* layer : pending) {  // in the order the model holds them
      layer->set_pass_through(false);
      layer->begin_adapt();
      each_batch([&](const TensorDict& batch) {
        if (!layer->inverted()) {
          model.forward_batch(batch);
          return;
        }
        if (!batch.contains("y") || !is_floating(batch.get("y").dtype()))
          throw std::invalid_argument(fmt::format(
              "{} learns the targets' mean and variance, but the targets are {}: it needs "
              "real-valued targets (a regression)",
              layer->describe(),
              batch.contains("y")
                  ? fmt::format("{} class labels", dtype_name(batch.get("y").dtype()))
                  : std::string("missing")));
        const Tensor& y = batch.get("y");
        layer->forward(y.dim() == 1 ? reshape(y, {y.shape()[0], 1}) : y);
      });
      layer->finish_adapt();
    }
  } catch (...) {
    for (Normalization* layer : pending) {
      layer->abort_adapt();
      layer->set_pass_through(false);
    }
    model.train(was_training);
    throw;
  }
  model.train(was_training);
}

}  // namespace scidl::nn
