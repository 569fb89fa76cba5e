// MpReal: an MPFR real number whose precision (in bits) is chosen at run time, per thread.
// Contract: every MpReal created on a thread takes that thread's working precision, set with
// ScopedMpPrecision (default 128 bits); arithmetic rounds to nearest at that precision.
// Why not boost::multiprecision::mpfr_float: in Boost 1.74 its default precision is one
// process-wide variable (mpfr.hpp, get_default_precision), and expression evaluation writes it,
// so two worker threads integrating at different precisions would race. Here it is thread_local.
#pragma once
#include <mpfr.h>

#include <string>

namespace scidl::sci {

class MpReal {
 public:
  MpReal();                     // 0 at the thread's working precision
  MpReal(double value);         // NOLINT: exact conversion (double has 53 bits)
  MpReal(const MpReal& other);  // copies the value, rounded to the working precision
  MpReal(MpReal&& other) noexcept;
  MpReal& operator=(const MpReal& other);
  MpReal& operator=(MpReal&& other) noexcept;
  MpReal& operator=(double value);
  ~MpReal();

  MpReal& operator+=(const MpReal& b);
  MpReal& operator-=(const MpReal& b);
  MpReal& operator*=(const MpReal& b);
  MpReal& operator/=(const MpReal& b);

  double to_double() const;
  std::string to_string(int significant_digits) const;
  long precision_bits() const;
  mpfr_srcptr get() const { return value_; }
  mpfr_ptr get() { return value_; }

  // The working precision of the calling thread, in bits.
  static long thread_precision_bits();
  static void set_thread_precision_bits(long bits);

 private:
  mpfr_t value_;
};

// Sets the calling thread's working precision for its lifetime, restoring the previous one.
class ScopedMpPrecision {
 public:
  explicit ScopedMpPrecision(long bits);
  ~ScopedMpPrecision();
  ScopedMpPrecision(const ScopedMpPrecision&) = delete;
  ScopedMpPrecision& operator=(const ScopedMpPrecision&) = delete;

 private:
  long previous_bits_;
};

MpReal operator+(MpReal a, const MpReal& b);
MpReal operator-(MpReal a, const MpReal& b);
MpReal operator*(MpReal a, const MpReal& b);
MpReal operator/(MpReal a, const MpReal& b);
MpReal operator-(MpReal a);
bool operator<(const MpReal& a, const MpReal& b);
bool operator>(const MpReal& a, const MpReal& b);
bool operator<=(const MpReal& a, const MpReal& b);
bool operator>=(const MpReal& a, const MpReal& b);
bool operator==(const MpReal& a, const MpReal& b);
MpReal sqrt(const MpReal& a);
MpReal abs(const MpReal& a);
void assign_sqrt(MpReal& out, const MpReal& a);  // out = sqrt(a) without a temporary

}  // namespace scidl::sci
