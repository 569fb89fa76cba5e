#include "scidl/optim/optimizer.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "scidl/autograd/grad_mode.h"

namespace scidl::optim {

namespace {

int64_t total_numel(const std::vector<Tensor>& params) {
  int64_t n = 0;
  for (const auto& p : params) n += p.numel();
  return n;
}

// True when params are already consecutive contiguous views of one storage from offset 0.
bool already_flat(const std::vector<Tensor>& params, int64_t total) {
  int64_t at = 0;
  for (const auto& p : params) {
    if (!p.same_storage(params[0]) || !p.is_contiguous() || p.offset() != at) return false;
    at += p.numel();
  }
  return static_cast<int64_t>(params[0].impl()->storage->bytes) >=
             total * static_cast<int64_t>(dtype_size(params[0].dtype())) &&
         at == total;
}

void repoint(const Tensor& view_owner, const Tensor& flat, int64_t offset) {
  TensorImpl* impl = view_owner.impl();
  impl->storage = flat.impl()->storage;
  impl->offset = offset;
  impl->strides = contiguous_strides(impl->shape);
}

}  // namespace

std::pair<Tensor, Tensor> flatten_parameters(const std::vector<Tensor>& params) {
  if (params.empty()) throw std::invalid_argument("optimizer: no parameters to optimise");
  for (const auto& p : params) {
    if (p.dtype() != params[0].dtype() || p.device() != params[0].device())
      throw std::invalid_argument(fmt::format(
          "optimizer: parameters must share dtype and device; '{}' is {} on {}, '{}' is {} on {}",
          params[0].name(), params[0].str(), params[0].device().str(), p.name(), p.str(),
          p.device().str()));
    if (!p.is_leaf())
      throw std::invalid_argument("optimizer: parameter '" + p.name() + "' is not a leaf tensor");
  }
  const int64_t total = total_numel(params);
  const DType dtype = params[0].dtype();
  Tensor flat_p;
  if (already_flat(params, total)) {
    flat_p = params[0].as_strided({total}, {1}, 0);
  } else {
    flat_p = empty({total}, dtype, params[0].device());
    int64_t at = 0;
    for (const auto& p : params) {
      flat_p.as_strided(p.shape(), contiguous_strides(p.shape()), at).copy_(p);
      repoint(p, flat_p, at);
      at += p.numel();
    }
  }
  // Gradients: reuse a flat gradient buffer the parameters already share, else make one.
  Tensor g0 = params[0].grad();
  bool grads_flat = g0.defined();
  int64_t at = 0;
  for (const auto& p : params) {
    Tensor g = p.grad();
    grads_flat =
        grads_flat && g.defined() && g.same_storage(g0) && g.offset() == at && g.is_contiguous();
    at += p.numel();
  }
  Tensor flat_g;
  if (grads_flat) {
    flat_g = g0.as_strided({total}, {1}, 0);
  } else {
    flat_g = zeros({total}, dtype, params[0].device());
    at = 0;
    for (const auto& p : params) {
      Tensor view = flat_g.as_strided(p.shape(), contiguous_strides(p.shape()), at);
      if (Tensor old = p.grad(); old.defined()) view.copy_(old);
      p.set_grad(view);
      at += p.numel();
    }
  }
  return {flat_p, flat_g};
}

Optimizer::Optimizer(std::vector<Tensor> params) : params_(std::move(params)) {
  std::tie(flat_params_, flat_grads_) = flatten_parameters(params_);
}

void Optimizer::zero_grad() { flat_grads_.fill_(0.0); }

void Optimizer::step() {
  NoGradGuard no_grad;
  update(backend::FlatRange{});
  finish_step();
}

Tensor& Optimizer::buffer(const std::string& name) {
  auto it = buffers_.find(name);
  if (it == buffers_.end()) it = buffers_.emplace(name, zeros_like(flat_params_)).first;
  return it->second;
}

std::map<std::string, Tensor> Optimizer::state() const {
  std::map<std::string, Tensor> s;
  for (const auto& [k, v] : buffers_) s[k] = v.clone();  // a snapshot: later steps leave it alone
  s["steps"] = scalar_tensor(static_cast<double>(steps_), DType::Float64);
  s["lr"] = scalar_tensor(lr_, DType::Float64);
  return s;
}

void Optimizer::load_state(const std::map<std::string, Tensor>& s) {
  std::vector<std::string> known;
  for (const auto& [k, v] : buffers_) known.push_back(k);
  for (const auto& [k, v] : s) {
    if (k == "steps" || k == "lr") continue;
    if (!buffers_.count(k))
      throw std::invalid_argument(fmt::format(
          "{} optimizer: saved state has a buffer '{}' this optimizer does not use (its buffers: "
          "{}); was the state saved by another optimizer or with other options?",
          name(), k, known.empty() ? "none" : fmt::format("{}", fmt::join(known, ", "))));
    if (v.numel() != flat_params_.numel())
      throw std::invalid_argument(
          fmt::format("{} optimizer state '{}' has {} values but the model has {} parameters",
                      name(), k, v.numel(), flat_params_.numel()));
  }
  for (const auto& [k, v] : s) {
    if (k == "steps") {
      steps_ = static_cast<int64_t>(v.item());
    } else if (k == "lr") {
      lr_ = v.item();
    } else {
      Tensor src = v.contiguous().to(flat_params_.dtype());
      buffers_.at(k).copy_(src.as_strided({src.numel()}, {1}, src.offset()));
    }
  }
}

}  // namespace scidl::optim
