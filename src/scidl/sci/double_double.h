// DoubleDouble: an unevaluated sum hi + lo of two doubles (|lo| ≤ ulp(hi)/2), giving 106 bits
// of significand at roughly a tenth of the cost of MPFR at the same precision, because every
// operation is a handful of inlined double instructions instead of a library call on limbs.
// It is the cheap rung between double and MPFR in the convergence ladder (convergence.h).
// Algorithms: Dekker/Knuth error-free transformations (two_sum, two_prod via fma) and the
// "accurate" addition and division of Hida, Li & Bailey's QD library; each operation is correct
// to a few units of 2^-104 relative (not correctly rounded). Range is that of double.
// Contract: needs IEEE double with round-to-nearest and no -ffast-math (the error-free
// transformations must not be reassociated); fma contraction elsewhere is harmless.
#pragma once
#include <cmath>

namespace scidl::sci {

class DoubleDouble {
 public:
  static constexpr int kBits = 106;  // 2 × 53 significand bits
  // Unit roundoff used by the integrator's step-underflow check: 2^-104, a little above the
  // error of one operation.
  static constexpr double kEpsilon = 0x1p-104;

  constexpr DoubleDouble() = default;
  constexpr DoubleDouble(double value) : hi_(value) {}  // NOLINT: exact conversion
  // Requires |lo| ≤ ulp(hi)/2 (as returned by hi() and lo()); use sum() otherwise.
  static constexpr DoubleDouble from_parts(double hi, double lo) {
    DoubleDouble r;
    r.hi_ = hi;
    r.lo_ = lo;
    return r;
  }
  // The exact sum a + b as a normalised double-double.
  static DoubleDouble sum(double a, double b) {
    double err;
    const double s = two_sum(a, b, err);
    return from_parts(s, err);
  }

  double hi() const { return hi_; }
  double lo() const { return lo_; }
  double to_double() const { return hi_ + lo_; }

  DoubleDouble& operator+=(const DoubleDouble& b) {
    double t2;
    double s2;
    const double s1 = two_sum(hi_, b.hi_, s2);
    const double t1 = two_sum(lo_, b.lo_, t2);
    s2 += t1;
    double h = quick_two_sum(s1, s2, s2);
    s2 += t2;
    hi_ = quick_two_sum(h, s2, lo_);
    return *this;
  }
  DoubleDouble& operator-=(const DoubleDouble& b) {
    return *this += DoubleDouble::from_parts(-b.hi_, -b.lo_);
  }
  DoubleDouble& operator*=(const DoubleDouble& b) {
    double p2;
    const double p1 = two_prod(hi_, b.hi_, p2);
    p2 = std::fma(hi_, b.lo_, p2);
    p2 = std::fma(lo_, b.hi_, p2);
    hi_ = quick_two_sum(p1, p2, lo_);
    return *this;
  }
  DoubleDouble& operator/=(const DoubleDouble& b) {
    // Three quotient digits, each from the remainder of the previous ones (QD's accurate_div).
    const double q1 = hi_ / b.hi_;
    DoubleDouble r = *this;
    r -= times(b, q1);
    const double q2 = r.hi_ / b.hi_;
    r -= times(b, q2);
    const double q3 = r.hi_ / b.hi_;
    double lo;
    const double hi = quick_two_sum(q1, q2, lo);
    *this = from_parts(hi, lo);
    return *this += DoubleDouble(q3);
  }

  // Knuth's two_sum: s + err == a + b exactly.
  static double two_sum(double a, double b, double& err) {
    const double s = a + b;
    const double bb = s - a;
    err = (a - (s - bb)) + (b - bb);
    return s;
  }
  // Dekker's fast two_sum, valid when |a| ≥ |b| (or a == 0).
  static double quick_two_sum(double a, double b, double& err) {
    const double s = a + b;
    err = b - (s - a);
    return s;
  }
  // p + err == a·b exactly (fma computes the rounding error of the product).
  static double two_prod(double a, double b, double& err) {
    const double p = a * b;
    err = std::fma(a, b, -p);
    return p;
  }

 private:
  static DoubleDouble times(const DoubleDouble& a, double b) {
    double p2;
    const double p1 = two_prod(a.hi_, b, p2);
    p2 = std::fma(a.lo_, b, p2);
    double lo;
    const double hi = quick_two_sum(p1, p2, lo);
    return from_parts(hi, lo);
  }

  double hi_ = 0;
  double lo_ = 0;
};

inline DoubleDouble operator+(DoubleDouble a, const DoubleDouble& b) { return a += b; }
inline DoubleDouble operator-(DoubleDouble a, const DoubleDouble& b) { return a -= b; }
inline DoubleDouble operator*(DoubleDouble a, const DoubleDouble& b) { return a *= b; }
inline DoubleDouble operator/(DoubleDouble a, const DoubleDouble& b) { return a /= b; }
inline DoubleDouble operator-(const DoubleDouble& a) {
  return DoubleDouble::from_parts(-a.hi(), -a.lo());
}
inline bool operator==(const DoubleDouble& a, const DoubleDouble& b) {
  return a.hi() == b.hi() && a.lo() == b.lo();
}
inline bool operator<(const DoubleDouble& a, const DoubleDouble& b) {
  return a.hi() < b.hi() || (a.hi() == b.hi() && a.lo() < b.lo());
}
inline bool operator>(const DoubleDouble& a, const DoubleDouble& b) { return b < a; }
inline bool operator<=(const DoubleDouble& a, const DoubleDouble& b) { return !(b < a); }
inline bool operator>=(const DoubleDouble& a, const DoubleDouble& b) { return !(a < b); }
inline DoubleDouble abs(const DoubleDouble& a) { return a.hi() < 0 ? -a : a; }

// out = sqrt(a): one Newton correction of the double square root, s + (a - s²) / (2s).
inline void assign_sqrt(DoubleDouble& out, const DoubleDouble& a) {
  if (a.hi() <= 0) {
    out = DoubleDouble(a.hi() == 0 ? 0.0 : std::sqrt(a.hi()));  // 0, or NaN for a < 0
    return;
  }
  const double s = std::sqrt(a.hi());
  double e;
  const double p = DoubleDouble::two_prod(s, s, e);
  const double correction = (((a.hi() - p) - e) + a.lo()) / (2.0 * s);
  double lo;
  const double hi = DoubleDouble::quick_two_sum(s, correction, lo);
  out = DoubleDouble::from_parts(hi, lo);
}
inline DoubleDouble sqrt(const DoubleDouble& a) {
  DoubleDouble out;
  assign_sqrt(out, a);
  return out;
}

}  // namespace scidl::sci
