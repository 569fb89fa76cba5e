#include "scidl/ops/batch_norm.h"

#include <fmt/format.h>

#include "scidl/autograd/grad_mode.h"
#include "scidl/ops/elementwise.h"
#include "scidl/ops/op_util.h"
#include "scidl/ops/reduction.h"

namespace scidl {

using namespace ops_detail;

namespace {

// Checks a per-channel tensor and returns it viewed as [1, C, 1, ...] to broadcast against x.
Tensor per_channel(const Tensor& t, const char* what, const Tensor& x) {
  if (!t.defined()) return t;
  const int64_t channels = x.size(1);
  if (t.dim() != 1 || t.size(0) != channels)
    throw std::invalid_argument(fmt::format(
        "batch_norm: {} must have shape [{}] (one value per channel of the input {}), got {}", what,
        channels, x.str(), t.str()));
  check_same("batch_norm", x, t);
  Shape shape(static_cast<size_t>(x.dim()), 1);
  shape[1] = channels;
  Shape strides(shape.size(), 0);
  strides[1] = t.strides()[0];
  return t.as_strided(shape, strides, t.offset());
}

std::vector<int64_t> reduced_dims(const Tensor& x) {
  std::vector<int64_t> dims{0};
  for (int64_t d = 2; d < x.dim(); ++d) dims.push_back(d);
  return dims;
}

// Updates a running statistic in place: r = (1 - momentum) * r + momentum * value.
void blend_into(const Tensor& running, const Tensor& value_keep, double momentum) {
  const Tensor compact = value_keep.contiguous();
  const Tensor value = compact.as_strided(running.shape(), {1}, compact.offset());
  running.copy_(running * (1.0 - momentum) + value * momentum);
}

}  // namespace

Tensor batch_norm(const Tensor& x, const Tensor& weight, const Tensor& bias,
                  const Tensor& running_mean, const Tensor& running_var, bool training,
                  double momentum, double eps) {
  check_floating("batch_norm", x);
  if (x.dim() < 2)
    throw std::invalid_argument(
        fmt::format("batch_norm: expected an input [N, C] or [N, C, ...], got {}", x.str()));
  if (running_mean.defined() != running_var.defined())
    throw std::invalid_argument("batch_norm: give both running_mean and running_var, or neither");
  if (!training && !running_mean.defined())
    throw std::invalid_argument(
        "batch_norm: evaluation mode needs running statistics; pass training = true to "
        "normalise by the batch instead");
  if (!(eps > 0))
    throw std::invalid_argument(fmt::format("batch_norm: eps must be positive, got {}", eps));
  const Tensor w = per_channel(weight, "weight", x);
  const Tensor b = per_channel(bias, "bias", x);
  const Tensor rm = per_channel(running_mean, "running_mean", x);
  const Tensor rv = per_channel(running_var, "running_var", x);
  const auto dims = reduced_dims(x);
  const int64_t count = x.numel() / x.size(1);  // values per channel

  Tensor xhat, invstd, y;
  {
    NoGradGuard no_grad;
    Tensor mean, var;
    if (training && count <= 1)
      throw std::invalid_argument(fmt::format(
          "batch_norm: training needs more than one value per channel, got input {}; use a "
          "batch of 2 or more, or evaluation mode",
          x.str()));
    // The backend's fused passes when it has them (one sweep per pass, per channel).
    bool fused = false;
    if (training && x.is_contiguous()) {
      const int64_t channels = x.size(1);
      y = empty_like(x);
      xhat = empty_like(x);
      Tensor m = empty({channels}, x.dtype(), x.device()),
             v = empty({channels}, x.dtype(), x.device()),
             inv = empty({channels}, x.dtype(), x.device());
      fused = backend_of(x).batch_norm_forward(x, weight, bias, eps, y, xhat, m, v, inv);
      if (fused) {
        mean = m;
        var = v;
        invstd = per_channel(inv, "invstd", x);
      }
    }
    if (training && !fused) {
      mean = sum(x, dims, true) * (1.0 / static_cast<double>(count));
      Tensor centred = x - mean;
      var = sum(centred * centred, dims, true) * (1.0 / static_cast<double>(count));
      invstd = empty_like(var);
      backend_of(x).unary(backend::UnaryOp::Sqrt, var + eps, invstd, 0, 0);
      backend_of(x).unary(backend::UnaryOp::Reciprocal, invstd, invstd, 0, 0);
      xhat = centred * invstd;
    } else if (!training) {
      invstd = empty(rv.shape(), rv.dtype(), rv.device());
      backend_of(x).unary(backend::UnaryOp::Sqrt, rv + eps, invstd, 0, 0);
      backend_of(x).unary(backend::UnaryOp::Reciprocal, invstd, invstd, 0, 0);
      xhat = (x - rm) * invstd;
    }
    if (training && rm.defined()) {
      blend_into(running_mean, mean, momentum);
      blend_into(running_var, var * (static_cast<double>(count) / static_cast<double>(count - 1)),
                 momentum);
    }
    if (!fused) {
      y = w.defined() ? xhat * w : xhat;
      if (b.defined()) y = y + b;
    }
  }

  return autograd::record(
      "batch_norm", y, {x, weight, bias},
      [xhat, invstd, w, dims, count, training, has_w = weight.defined(),
       has_b = bias.defined()](const Tensor& g) {
        auto flat = [](const Tensor& t) { return t.contiguous().as_strided({t.numel()}, {1}, 0); };
        Tensor scale = w.defined() ? invstd * w : invstd;
        if (training) {  // the backend's fused passes when it has them
          const Tensor gc = g.contiguous(), scale_c = flat(scale);
          const int64_t channels = gc.size(1);
          Tensor gx = empty_like(gc), sg = empty({channels}, g.dtype(), g.device()),
                 sgh = empty({channels}, g.dtype(), g.device());
          if (backend_of(g).batch_norm_backward(gc, xhat, scale_c, gx, sg, sgh))
            return std::vector<Tensor>{gx, has_w ? sgh : Tensor(), has_b ? sg : Tensor()};
        }
        Tensor sum_g = sum(g, dims, true);
        Tensor sum_g_xhat = sum(g * xhat, dims, true);
        Tensor gx;
        if (training) {
          const double inv_count = 1.0 / static_cast<double>(count);
          gx = (g - sum_g * inv_count - xhat * (sum_g_xhat * inv_count)) * scale;
        } else {
          gx = g * scale;
        }
        return std::vector<Tensor>{gx, has_w ? flat(sum_g_xhat) : Tensor(),
                                   has_b ? flat(sum_g) : Tensor()};
      });
}

}  // namespace scidl
