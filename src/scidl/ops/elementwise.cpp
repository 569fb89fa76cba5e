#include "scidl/ops/elementwise.h"

#include "scidl/ops/op_util.h"

namespace scidl {

using namespace ops_detail;
using backend::BinaryOp;
using backend::UnaryOp;

namespace {

Tensor binary_raw(BinaryOp op, const char* name, const Tensor& a, const Tensor& b, double p = 0,
                  double q = 0) {
  check_same(name, a, b);
  Shape shape = broadcast_shapes(a.shape(), b.shape(), name);
  Tensor out = empty(shape, a.dtype(), a.device());
  backend_of(a).binary(op, expand_view(a, shape), expand_view(b, shape), out, p, q);
  return out;
}

Tensor unary_raw(UnaryOp op, const Tensor& x, double p = 0, double q = 0) {
  Tensor out = empty_like(x);
  backend_of(x).unary(op, x, out, p, q);
  return out;
}

// grad rule fused with a saved tensor: g' = rule(g, saved)
Tensor grad_rule(BinaryOp op, const Tensor& g, const Tensor& saved, double p = 0, double q = 0) {
  Tensor out = empty_like(g);
  backend_of(g).binary(op, g, saved, out, p, q);
  return out;
}

}  // namespace

Tensor add(const Tensor& a, const Tensor& b) {
  Tensor out = binary_raw(BinaryOp::Add, "add", a, b);
  Shape sa = a.shape(), sb = b.shape();
  return record("add", out, {a, b}, [sa, sb](const Tensor& g) {
    return std::vector<Tensor>{sum_to(g, sa), sum_to(g, sb)};
  });
}

Tensor sub(const Tensor& a, const Tensor& b) {
  Tensor out = binary_raw(BinaryOp::Sub, "sub", a, b);
  Shape sa = a.shape(), sb = b.shape();
  return record("sub", out, {a, b}, [sa, sb](const Tensor& g) {
    return std::vector<Tensor>{sum_to(g, sa), sum_to(neg(g), sb)};
  });
}

Tensor mul(const Tensor& a, const Tensor& b) {
  Tensor out = binary_raw(BinaryOp::Mul, "mul", a, b);
  return record("mul", out, {a, b},
                [a = a.detach(), b = b.detach(), ra = a.requires_grad(),
                 rb = b.requires_grad()](const Tensor& g) {
                  return std::vector<Tensor>{ra ? sum_to(mul(g, b), a.shape()) : Tensor(),
                                             rb ? sum_to(mul(g, a), b.shape()) : Tensor()};
                });
}

Tensor div(const Tensor& a, const Tensor& b) {
  Tensor out = binary_raw(BinaryOp::Div, "div", a, b);
  return record("div", out, {a, b},
                [a = a.detach(), b = b.detach(), out = out.detach(), ra = a.requires_grad(),
                 rb = b.requires_grad()](const Tensor& g) {
                  Tensor ga = ra ? sum_to(div(g, b), a.shape()) : Tensor();
                  Tensor gb = rb ? sum_to(neg(div(mul(g, out), b)), b.shape()) : Tensor();
                  return std::vector<Tensor>{ga, gb};
                });
}

Tensor pow(const Tensor& a, const Tensor& b) {
  Tensor out = binary_raw(BinaryOp::Pow, "pow", a, b);
  return record("pow", out, {a, b},
                [a = a.detach(), b = b.detach(), out = out.detach(), ra = a.requires_grad(),
                 rb = b.requires_grad()](const Tensor& g) {
                  Tensor ga = ra ? sum_to(mul(g, mul(b, pow(a, sub(b, ones_like(b))))), a.shape())
                                 : Tensor();
                  Tensor gb = rb ? sum_to(mul(g, mul(out, log(a))), b.shape()) : Tensor();
                  return std::vector<Tensor>{ga, gb};
                });
}

namespace {
// Gradient of max/min goes to the winning operand (ties split evenly, as in PyTorch).
Tensor extremum(BinaryOp op, const char* name, const Tensor& a, const Tensor& b) {
  Tensor out = binary_raw(op, name, a, b);
  return record(name, out, {a, b}, [a = a.detach(), b = b.detach(), op](const Tensor& g) {
    Tensor a_wins = op == BinaryOp::Maximum ? binary_raw(BinaryOp::Gt, "max", a, b)
                                            : binary_raw(BinaryOp::Gt, "min", b, a);
    Tensor tie = binary_raw(BinaryOp::Eq, "max", a, b);
    Tensor wa = add(a_wins, mul(tie, full({}, 0.5, a.dtype())));
    Tensor wb = sub(ones_like(wa), wa);
    return std::vector<Tensor>{sum_to(mul(g, wa), a.shape()), sum_to(mul(g, wb), b.shape())};
  });
}
}  // namespace

Tensor maximum(const Tensor& a, const Tensor& b) {
  return extremum(BinaryOp::Maximum, "maximum", a, b);
}
Tensor minimum(const Tensor& a, const Tensor& b) {
  return extremum(BinaryOp::Minimum, "minimum", a, b);
}

Tensor affine(const Tensor& x, double scale, double shift) {
  check_floating("affine", x);
  Tensor out = unary_raw(UnaryOp::Affine, x, scale, shift);
  return record("affine", out, {x}, [scale](const Tensor& g) {
    return std::vector<Tensor>{scale == 1.0 ? g : affine(g, scale, 0.0)};
  });
}

Tensor neg(const Tensor& x) { return affine(x, -1.0, 0.0); }

Tensor exp(const Tensor& x) {
  Tensor out = unary_raw(UnaryOp::Exp, x);
  return record("exp", out, {x},
                [out = out.detach()](const Tensor& g) { return std::vector<Tensor>{mul(g, out)}; });
}

Tensor log(const Tensor& x) {
  Tensor out = unary_raw(UnaryOp::Log, x);
  return record("log", out, {x},
                [x = x.detach()](const Tensor& g) { return std::vector<Tensor>{div(g, x)}; });
}

Tensor sqrt(const Tensor& x) {
  Tensor out = unary_raw(UnaryOp::Sqrt, x);
  return record("sqrt", out, {x}, [out = out.detach()](const Tensor& g) {
    return std::vector<Tensor>{div(g, affine(out, 2.0, 0.0))};
  });
}

Tensor abs(const Tensor& x) {
  Tensor out = unary_raw(UnaryOp::Abs, x);
  return record("abs", out, {x}, [x = x.detach()](const Tensor& g) {
    return std::vector<Tensor>{grad_rule(BinaryOp::AbsGrad, g, x)};
  });
}

Tensor square(const Tensor& x) {
  Tensor out = unary_raw(UnaryOp::Square, x);
  return record("square", out, {x}, [x = x.detach()](const Tensor& g) {
    return std::vector<Tensor>{mul(g, affine(x, 2.0, 0.0))};
  });
}

Tensor pow(const Tensor& x, double exponent) {
  Tensor out = unary_raw(UnaryOp::Pow, x, exponent);
  return record("pow", out, {x}, [x = x.detach(), exponent](const Tensor& g) {
    return std::vector<Tensor>{grad_rule(BinaryOp::PowScalarGrad, g, x, exponent)};
  });
}

Tensor clamp(const Tensor& x, double low, double high) {
  if (low > high)
    throw std::invalid_argument("clamp: low bound " + std::to_string(low) +
                                " is above high bound " + std::to_string(high));
  Tensor out = unary_raw(UnaryOp::Clamp, x, low, high);
  return record("clamp", out, {x}, [x = x.detach(), low, high](const Tensor& g) {
    return std::vector<Tensor>{grad_rule(BinaryOp::ClampGrad, g, x, low, high)};
  });
}

Tensor relu(const Tensor& x) {
  Tensor out = unary_raw(UnaryOp::Relu, x);
  return record("relu", out, {x}, [out = out.detach()](const Tensor& g) {
    return std::vector<Tensor>{grad_rule(BinaryOp::ReluGrad, g, out)};
  });
}

Tensor leaky_relu(const Tensor& x, double slope) {
  Tensor out = unary_raw(UnaryOp::LeakyRelu, x, slope);
  return record("leaky_relu", out, {x}, [x = x.detach(), slope](const Tensor& g) {
    return std::vector<Tensor>{grad_rule(BinaryOp::LeakyReluGrad, g, x, slope)};
  });
}

Tensor elu(const Tensor& x, double alpha) {
  Tensor out = unary_raw(UnaryOp::Elu, x, alpha);
  return record("elu", out, {x}, [x = x.detach(), alpha](const Tensor& g) {
    return std::vector<Tensor>{grad_rule(BinaryOp::EluGrad, g, x, alpha)};
  });
}

Tensor sigmoid(const Tensor& x) {
  Tensor out = unary_raw(UnaryOp::Sigmoid, x);
  return record("sigmoid", out, {x}, [out = out.detach()](const Tensor& g) {
    return std::vector<Tensor>{grad_rule(BinaryOp::SigmoidGrad, g, out)};
  });
}

Tensor tanh(const Tensor& x) {
  Tensor out = unary_raw(UnaryOp::Tanh, x);
  return record("tanh", out, {x}, [out = out.detach()](const Tensor& g) {
    return std::vector<Tensor>{grad_rule(BinaryOp::TanhGrad, g, out)};
  });
}

Tensor gelu(const Tensor& x, bool tanh_approximation) {
  const UnaryOp op = tanh_approximation ? UnaryOp::GeluTanh : UnaryOp::Gelu;
  const BinaryOp rule = tanh_approximation ? BinaryOp::GeluTanhGrad : BinaryOp::GeluGrad;
  Tensor out = unary_raw(op, x);
  return record("gelu", out, {x}, [x = x.detach(), rule](const Tensor& g) {
    return std::vector<Tensor>{grad_rule(rule, g, x)};
  });
}

Tensor silu(const Tensor& x) {
  Tensor out = unary_raw(UnaryOp::Silu, x);
  return record("silu", out, {x}, [x = x.detach()](const Tensor& g) {
    return std::vector<Tensor>{grad_rule(BinaryOp::SiluGrad, g, x)};
  });
}

Tensor where(const Tensor& cond_in, const Tensor& a, const Tensor& b) {
  check_same("where", a, b);
  Shape shape =
      broadcast_shapes(broadcast_shapes(cond_in.shape(), a.shape(), "where"), b.shape(), "where");
  Tensor cond = cond_in.dtype() == a.dtype() ? cond_in : cond_in.to(a.dtype());
  Tensor out = empty(shape, a.dtype(), a.device());
  backend_of(a).where(expand_view(cond, shape), expand_view(a, shape), expand_view(b, shape), out);
  return record(
      "where", out, {a, b},
      [cond = cond.detach(), sa = a.shape(), sb = b.shape()](const Tensor& g) {
        Tensor z = zeros({}, g.dtype(), g.device());
        return std::vector<Tensor>{sum_to(where(cond, g, z), sa), sum_to(where(cond, z, g), sb)};
      });
}

Tensor gt(const Tensor& a, const Tensor& b) { return binary_raw(BinaryOp::Gt, "gt", a, b); }
Tensor ge(const Tensor& a, const Tensor& b) { return binary_raw(BinaryOp::Ge, "ge", a, b); }
Tensor eq(const Tensor& a, const Tensor& b) { return binary_raw(BinaryOp::Eq, "eq", a, b); }
Tensor sign(const Tensor& x) { return unary_raw(UnaryOp::Sign, x); }

}  // namespace scidl
