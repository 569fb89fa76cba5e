// Elementwise kernels: copy/cast, fill, unary maps, binary maps with broadcasting, where.
#include <algorithm>
#include <cmath>

#include "scidl/backend/cpu/cpu_backend.h"
#include "scidl/backend/cpu/isa_region.h"
#include "scidl/backend/cpu/strided_loop.h"
#include "scidl/backend/cpu/vector_math.h"

SCIDL_ISA_BEGIN

namespace {

template <typename T>
inline T unary_value(UnaryOp op, T x, T a, T b) {
  switch (op) {
    case UnaryOp::Neg:
      return -x;
    case UnaryOp::Exp:
      return std::exp(x);
    case UnaryOp::Log:
      return std::log(x);
    case UnaryOp::Sqrt:
      return std::sqrt(x);
    case UnaryOp::Abs:
      return std::abs(x);
    case UnaryOp::Sign:
      return static_cast<T>((x > 0) - (x < 0));
    case UnaryOp::Square:
      return x * x;
    case UnaryOp::Reciprocal:
      return T(1) / x;
    case UnaryOp::Relu:
      return x < 0 ? T(0) : x;  // NaN passes through, as in PyTorch
    case UnaryOp::LeakyRelu:
      return x > 0 ? x : a * x;
    case UnaryOp::Elu:
      return x > 0 ? x : a * (std::exp(x) - T(1));
    case UnaryOp::Sigmoid:
      return T(1) / (T(1) + std::exp(-x));
    case UnaryOp::Tanh:
      return std::tanh(x);
    case UnaryOp::Pow:
      return std::pow(x, a);
    case UnaryOp::Clamp:
      return x < a ? a : (x > b ? b : x);
    case UnaryOp::Affine:
      return a * x + b;
    case UnaryOp::GtScalar:
      return x > a ? T(1) : T(0);
    case UnaryOp::Gelu:
      return T(0.5) * x * (T(1) + std::erf(x * T(M_SQRT1_2)));
    case UnaryOp::GeluTanh: {
      const T k = T(M_2_SQRTPI * M_SQRT1_2);  // sqrt(2/pi)
      return T(0.5) * x * (T(1) + std::tanh(k * (x + T(0.044715) * x * x * x)));
    }
    case UnaryOp::Silu:
      return x / (T(1) + std::exp(-x));
  }
  return x;
}

template <typename T>
inline T binary_value(BinaryOp op, T x, T y, T a, T b) {
  switch (op) {
    case BinaryOp::Add:
      return x + y;
    case BinaryOp::Sub:
      return x - y;
    case BinaryOp::Mul:
      return x * y;
    case BinaryOp::Div:
      return x / y;
    case BinaryOp::Pow:
      return std::pow(x, y);
    case BinaryOp::Maximum:
      return x > y ? x : y;
    case BinaryOp::Minimum:
      return x < y ? x : y;
    case BinaryOp::AddScaled:
      return x + a * y;
    case BinaryOp::Eq:
      return x == y ? T(1) : T(0);
    case BinaryOp::Gt:
      return x > y ? T(1) : T(0);
    case BinaryOp::Ge:
      return x >= y ? T(1) : T(0);
    case BinaryOp::ReluGrad:
      return y > 0 ? x : T(0);
    case BinaryOp::LeakyReluGrad:
      return y > 0 ? x : a * x;
    case BinaryOp::EluGrad:
      return y > 0 ? x : x * a * std::exp(y);
    case BinaryOp::SigmoidGrad:
      return x * y * (T(1) - y);
    case BinaryOp::TanhGrad:
      return x * (T(1) - y * y);
    case BinaryOp::AbsGrad:
      return x * static_cast<T>((y > 0) - (y < 0));
    case BinaryOp::ClampGrad:
      return (y >= a && y <= b) ? x : T(0);
    case BinaryOp::PowScalarGrad:
      return x * a * std::pow(y, a - T(1));
    case BinaryOp::GeluGrad: {  // Phi(y) + y phi(y)
      const T cdf = T(0.5) * (T(1) + std::erf(y * T(M_SQRT1_2)));
      const T pdf = T(0.5 * M_2_SQRTPI * M_SQRT1_2) * std::exp(T(-0.5) * y * y);
      return x * (cdf + y * pdf);
    }
    case BinaryOp::GeluTanhGrad: {
      const T k = T(M_2_SQRTPI * M_SQRT1_2);
      const T t = std::tanh(k * (y + T(0.044715) * y * y * y));
      const T inner = k * (T(1) + T(3 * 0.044715) * y * y);
      return x * (T(0.5) * (T(1) + t) + T(0.5) * y * (T(1) - t * t) * inner);
    }
    case BinaryOp::SiluGrad: {  // s (1 + y (1 - s))
      const T s = T(1) / (T(1) + std::exp(-y));
      return x * s * (T(1) + y * (T(1) - s));
    }
  }
  return x;
}

// Instantiating the loop per op (the switch hoisted out) lets the compiler vectorise each.
template <typename T, UnaryOp OP>
void unary_rows(const StridedPlan<2>& plan, int64_t total, const T* x, T* out, T a, T b) {
  for_each_row(plan, total, [&](auto off, int64_t n, auto st) {
    const T* px = x + off[0];
    T* po = out + off[1];
    if (st[0] == 1 && st[1] == 1) {
#pragma omp simd
      for (int64_t i = 0; i < n; ++i) po[i] = unary_value<T>(OP, px[i], a, b);
    } else {
      for (int64_t i = 0; i < n; ++i) po[i * st[1]] = unary_value<T>(OP, px[i * st[0]], a, b);
    }
  });
}

template <typename T, BinaryOp OP>
void binary_rows(const StridedPlan<3>& plan, int64_t total, const T* x, const T* y, T* out, T a,
                 T b) {
  for_each_row(plan, total, [&](auto off, int64_t n, auto st) {
    const T* px = x + off[0];
    const T* py = y + off[1];
    T* po = out + off[2];
    if (st[0] == 1 && st[1] == 1 && st[2] == 1) {
#pragma omp simd
      for (int64_t i = 0; i < n; ++i) po[i] = binary_value<T>(OP, px[i], py[i], a, b);
    } else if (st[0] == 1 && st[1] == 0 && st[2] == 1) {
      const T yv = *py;
#pragma omp simd
      for (int64_t i = 0; i < n; ++i) po[i] = binary_value<T>(OP, px[i], yv, a, b);
    } else {
      for (int64_t i = 0; i < n; ++i)
        po[i * st[2]] = binary_value<T>(OP, px[i * st[0]], py[i * st[1]], a, b);
    }
  });
}

template <typename T, size_t... I>
void dispatch_unary(UnaryOp op, const StridedPlan<2>& plan, int64_t total, const T* x, T* out, T a,
                    T b, std::index_sequence<I...>) {
  ((op == static_cast<UnaryOp>(I)
        ? unary_rows<T, static_cast<UnaryOp>(I)>(plan, total, x, out, a, b)
        : void()),
   ...);
}

template <typename T, size_t... I>
void dispatch_binary(BinaryOp op, const StridedPlan<3>& plan, int64_t total, const T* x, const T* y,
                     T* out, T a, T b, std::index_sequence<I...>) {
  ((op == static_cast<BinaryOp>(I)
        ? binary_rows<T, static_cast<BinaryOp>(I)>(plan, total, x, y, out, a, b)
        : void()),
   ...);
}

constexpr size_t kUnaryOps = static_cast<size_t>(UnaryOp::Silu) + 1;
constexpr size_t kBinaryOps = static_cast<size_t>(BinaryOp::SiluGrad) + 1;

template <typename From, typename To>
void copy_rows(const StridedPlan<2>& plan, int64_t total, const From* src, To* dst) {
  for_each_row(plan, total, [&](auto off, int64_t n, auto st) {
    const From* ps = src + off[0];
    To* pd = dst + off[1];
    if (st[0] == 1 && st[1] == 1) {
#pragma omp simd
      for (int64_t i = 0; i < n; ++i) pd[i] = static_cast<To>(ps[i]);
    } else {
      for (int64_t i = 0; i < n; ++i) pd[i * st[1]] = static_cast<To>(ps[i * st[0]]);
    }
  });
}

}  // namespace

void CpuBackend::copy(const Tensor& src, const Tensor& dst) {
  auto plan = make_plan<2>(dst.shape(), {&src.strides(), &dst.strides()});
  dispatch_all(src.dtype(), [&]<typename From>() {
    dispatch_all(dst.dtype(), [&]<typename To>() {
      copy_rows<From, To>(plan, dst.numel(), src.data<From>(), dst.data<To>());
    });
  });
}

void CpuBackend::fill(const Tensor& dst, double value) {
  auto plan = make_plan<1>(dst.shape(), {&dst.strides()});
  dispatch_all(dst.dtype(), [&]<typename T>() {
    const T v = static_cast<T>(value);
    T* base = dst.data<T>();
    for_each_row(plan, dst.numel(), [base, v](auto off, int64_t n, auto st) {
      T* p = base + off[0];
      if (st[0] == 1)
        std::fill_n(p, n, v);
      else
        for (int64_t i = 0; i < n; ++i) p[i * st[0]] = v;
    });
  });
}

void CpuBackend::unary(UnaryOp op, const Tensor& x, const Tensor& out, double a, double b) {
  auto plan = make_plan<2>(out.shape(), {&x.strides(), &out.strides()});
  dispatch_float(out.dtype(), [&]<typename scalar_t>() {
    dispatch_unary<scalar_t>(op, plan, out.numel(), x.data<scalar_t>(), out.data<scalar_t>(),
                             static_cast<scalar_t>(a), static_cast<scalar_t>(b),
                             std::make_index_sequence<kUnaryOps>{});
  });
}

void CpuBackend::binary(BinaryOp op, const Tensor& x, const Tensor& y, const Tensor& out, double a,
                        double b) {
  auto plan = make_plan<3>(out.shape(), {&x.strides(), &y.strides(), &out.strides()});
  dispatch_float(out.dtype(), [&]<typename scalar_t>() {
    dispatch_binary<scalar_t>(op, plan, out.numel(), x.data<scalar_t>(), y.data<scalar_t>(),
                              out.data<scalar_t>(), static_cast<scalar_t>(a),
                              static_cast<scalar_t>(b), std::make_index_sequence<kBinaryOps>{});
  });
}

void CpuBackend::where(const Tensor& cond, const Tensor& x, const Tensor& y, const Tensor& out) {
  auto plan =
      make_plan<4>(out.shape(), {&cond.strides(), &x.strides(), &y.strides(), &out.strides()});
  dispatch_float(out.dtype(), [&]<typename scalar_t>() {
    using T = scalar_t;
    const T* pc = cond.data<T>();
    const T* px = x.data<T>();
    const T* py = y.data<T>();
    T* po = out.data<T>();
    for_each_row(plan, out.numel(), [&](auto off, int64_t n, auto st) {
      for (int64_t i = 0; i < n; ++i)
        po[off[3] + i * st[3]] =
            pc[off[0] + i * st[0]] != T(0) ? px[off[1] + i * st[1]] : py[off[2] + i * st[2]];
    });
  });
}

SCIDL_ISA_END
