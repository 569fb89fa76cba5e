#include "scidl/ops/linalg.h"

#include <fmt/format.h>

#include "scidl/ops/elementwise.h"
#include "scidl/ops/op_util.h"
#include "scidl/ops/shape_ops.h"

namespace scidl {

using namespace ops_detail;

namespace {

// [.., m, k] viewed as [batch, m, k] without copying when the batch dims merge.
Tensor as_batch3(const Tensor& t, const Shape& batch_shape) {
  Tensor e = expand_view(t, [&] {
    Shape s = batch_shape;
    s.push_back(t.shape()[t.dim() - 2]);
    s.push_back(t.shape()[t.dim() - 1]);
    return s;
  }());
  int64_t batch = numel_of(batch_shape);
  int64_t r = e.dim();
  Shape shape{batch, e.shape()[r - 2], e.shape()[r - 1]};
  // Batch dims merge if each steps uniformly (or all broadcast).
  int64_t bstride = batch_shape.empty() ? 0 : e.strides()[r - 3];
  bool uniform = true;
  for (int64_t d = r - 3; d > 0; --d)
    if (e.strides()[d - 1] != e.strides()[d] * e.shape()[d] && e.shape()[d - 1] != 1)
      uniform = false;
  if (!uniform) return as_batch3(e.contiguous(), batch_shape);
  return e.as_strided(shape, {bstride, e.strides()[r - 2], e.strides()[r - 1]}, e.offset());
}

Tensor matmul_raw(const Tensor& a, const Tensor& b) {
  check_same("matmul", a, b);
  check_floating("matmul", a);
  if (a.shape()[a.dim() - 1] != b.shape()[b.dim() - 2])
    throw std::invalid_argument(fmt::format("matmul: shapes {} and {} do not fit ({} != {})",
                                            shape_str(a.shape()), shape_str(b.shape()),
                                            a.shape()[a.dim() - 1], b.shape()[b.dim() - 2]));
  Shape ba(a.shape().begin(), a.shape().end() - 2), bb(b.shape().begin(), b.shape().end() - 2);
  Shape batch = broadcast_shapes(ba, bb, "matmul");
  int64_t m = a.shape()[a.dim() - 2], n = b.shape()[b.dim() - 1];
  Shape out_shape = batch;
  out_shape.push_back(m);
  out_shape.push_back(n);
  Tensor out = empty(out_shape, a.dtype(), a.device());
  Tensor out3 = out.as_strided({numel_of(batch), m, n}, {m * n, n, 1}, 0);
  backend_of(a).matmul(as_batch3(a, batch), as_batch3(b, batch), out3, 1.0, 0.0);
  return out;
}

Tensor matmul_nd(const Tensor& a, const Tensor& b) {
  Tensor out = matmul_raw(a, b);
  return record("matmul", out, {a, b}, [a = a.detach(), b = b.detach(), ra = a.requires_grad(),
                                        rb = b.requires_grad()](const Tensor& g) {
    Tensor ga = ra ? sum_to(matmul_raw(g, transpose(b, -1, -2)), a.shape()) : Tensor();
    Tensor gb = rb ? sum_to(matmul_raw(transpose(a, -1, -2), g), b.shape()) : Tensor();
    return std::vector<Tensor>{ga, gb};
  });
}

}  // namespace

Tensor matmul(const Tensor& a, const Tensor& b) {
  if (a.dim() == 0 || b.dim() == 0)
    throw std::invalid_argument(fmt::format("matmul: scalars are not matrices (shapes {} and {})",
                                            shape_str(a.shape()), shape_str(b.shape())));
  if (a.dim() == 1 && b.dim() == 1) return reshape(matmul_nd(unsqueeze(a, 0), unsqueeze(b, 1)), {});
  if (a.dim() == 1) return squeeze(matmul_nd(unsqueeze(a, 0), b), -2);
  if (b.dim() == 1) return squeeze(matmul_nd(a, unsqueeze(b, 1)), -1);
  return matmul_nd(a, b);
}

Tensor activation_backward(Activation act, const Tensor& g, const Tensor& y) {
  if (act == Activation::None) return g;
  Tensor gz = empty_like(g);
  auto op = act == Activation::Relu   ? backend::BinaryOp::ReluGrad
            : act == Activation::Tanh ? backend::BinaryOp::TanhGrad
                                      : backend::BinaryOp::SigmoidGrad;
  backend_of(g).binary(op, g, y, gz, 0, 0);
  return gz;
}

Tensor linear(const Tensor& x, const Tensor& weight, const Tensor& bias, Activation act) {
  check_same("linear", x, weight);
  if (weight.dim() != 2 || x.dim() < 1 || x.shape().back() != weight.shape()[1])
    throw std::invalid_argument(fmt::format(
        "linear: input of shape {} does not fit weight of shape {} (expected [..., {}])",
        shape_str(x.shape()), shape_str(weight.shape()),
        weight.dim() == 2 ? weight.shape()[1] : -1));
  const int64_t in = weight.shape()[1], out_f = weight.shape()[0];
  if (bias.defined() && (bias.dim() != 1 || bias.shape()[0] != out_f))
    throw std::invalid_argument(fmt::format("linear: bias of shape {} for {} outputs",
                                            shape_str(bias.shape()), out_f));
  Tensor x2 = x.is_contiguous() ? x : x.contiguous();
  const int64_t rows = x.numel() / std::max<int64_t>(in, 1);
  Shape out_shape = x.shape();
  out_shape.back() = out_f;
  Tensor y = empty(out_shape, x.dtype(), x.device());
  auto& be = backend_of(x);
  Tensor y3 = y.as_strided({1, rows, out_f}, {0, out_f, 1}, 0);
  Tensor x3 = x2.as_strided({1, rows, in}, {0, in, 1}, x2.offset());
  Tensor wt = weight.as_strided({1, in, out_f}, {0, weight.strides()[1], weight.strides()[0]},
                                weight.offset());
  // The backend's fused kernel when it has one (ReLU, tanh or no activation); else GEMM over
  // the broadcast bias, then the activation in place.
  const auto fused = fused_activation(act);
  if (!(fused && be.dense_forward(x3, {{weight, bias, *fused}}, {y}))) {
    double beta = 0.0;
    if (bias.defined()) {
      be.copy(expand_view(bias, {1, rows, out_f}), y3);
      beta = 1.0;
    }
    be.matmul(x3, wt, y3, 1.0, beta);
    backend::UnaryOp uop{};
    switch (act) {
      case Activation::Relu: uop = backend::UnaryOp::Relu; break;
      case Activation::Tanh: uop = backend::UnaryOp::Tanh; break;
      case Activation::Sigmoid: uop = backend::UnaryOp::Sigmoid; break;
      case Activation::None: break;
    }
    if (act != Activation::None) be.unary(uop, y, y, 0, 0);
  }
  std::vector<Tensor> inputs{x, weight};
  if (bias.defined()) inputs.push_back(bias);
  return record("linear", y, inputs,
                [x3, w = weight.detach(), y = y.detach(), act, rows, in, out_f,
                 xshape = x.shape(), has_bias = bias.defined(), rx = x.requires_grad(),
                 rw = weight.requires_grad(),
                 rb = bias.defined() && bias.requires_grad()](const Tensor& g_in) {
                  auto& be = backend_of(g_in);
                  Tensor g = g_in.contiguous();
                  // One set of gradient tensors, written by the fused kernel or the GEMMs below.
                  Tensor gx = rx ? empty(xshape, g.dtype(), g.device()) : Tensor();
                  Tensor gw = rw ? empty({out_f, in}, g.dtype(), g.device()) : Tensor();
                  std::vector<Tensor> grads{gx, gw};
                  if (has_bias) grads.push_back(Tensor());
                  if (const auto fused = fused_activation(act)) {
                    Tensor gb = rb ? empty({out_f}, g.dtype(), g.device()) : Tensor();
                    if (be.dense_backward(x3, {{w, Tensor(), *fused}}, {y}, g, gx, {gw}, {gb})) {
                      if (has_bias) grads[2] = gb;
                      return grads;
                    }
                  }
                  g = activation_backward(act, g, y);
                  Tensor g3 = g.as_strided({1, rows, out_f}, {0, out_f, 1}, g.offset());
                  if (rx) {  // dx = g W
                    Tensor w3 = w.as_strided({1, out_f, in}, {0, w.strides()[0], w.strides()[1]},
                                             w.offset());
                    be.matmul(g3, w3, gx.as_strided({1, rows, in}, {0, in, 1}, 0), 1.0, 0.0);
                  }
                  if (rw) {  // dW = g^T x
                    Tensor gt = g3.as_strided({1, out_f, rows}, {0, 1, out_f}, g.offset());
                    be.matmul(gt, x3, gw.as_strided({1, out_f, in}, {0, in, 1}, 0), 1.0, 0.0);
                  }
                  if (rb)
                    grads[2] = sum_to(g.as_strided({rows, out_f}, {out_f, 1}, g.offset()), {out_f});
                  return grads;
                });
}

}  // namespace scidl
