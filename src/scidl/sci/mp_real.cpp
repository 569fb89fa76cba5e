#include "scidl/sci/mp_real.h"

#include <stdexcept>
#include <string>

#include <fmt/core.h>

namespace scidl::sci {
namespace {
thread_local long working_precision_bits = 128;
}  // namespace

long MpReal::thread_precision_bits() { return working_precision_bits; }

void MpReal::set_thread_precision_bits(long bits) {
  if (bits < MPFR_PREC_MIN || bits > 65536) {
    throw std::invalid_argument(
        fmt::format("MPFR precision of {} bits is out of range; choose between {} and 65536 bits",
                    bits, static_cast<long>(MPFR_PREC_MIN)));
  }
  working_precision_bits = bits;
}

ScopedMpPrecision::ScopedMpPrecision(long bits) : previous_bits_(MpReal::thread_precision_bits()) {
  MpReal::set_thread_precision_bits(bits);
}
ScopedMpPrecision::~ScopedMpPrecision() { working_precision_bits = previous_bits_; }

MpReal::MpReal() {
  mpfr_init2(value_, working_precision_bits);
  mpfr_set_zero(value_, 1);
}
MpReal::MpReal(double value) {
  mpfr_init2(value_, working_precision_bits);
  mpfr_set_d(value_, value, MPFR_RNDN);
}
MpReal::MpReal(const MpReal& other) {
  mpfr_init2(value_, working_precision_bits);
  mpfr_set(value_, other.value_, MPFR_RNDN);
}
MpReal::MpReal(MpReal&& other) noexcept {
  // Steal the limbs; leave `other` a valid (tiny) number so its destructor is safe.
  mpfr_init2(value_, MPFR_PREC_MIN);
  mpfr_swap(value_, other.value_);
}
MpReal& MpReal::operator=(const MpReal& other) {
  if (this != &other) mpfr_set(value_, other.value_, MPFR_RNDN);
  return *this;
}
MpReal& MpReal::operator=(MpReal&& other) noexcept {
  if (mpfr_get_prec(value_) == mpfr_get_prec(other.value_)) {
    mpfr_swap(value_, other.value_);
  } else {
    mpfr_set(value_, other.value_, MPFR_RNDN);
  }
  return *this;
}
MpReal& MpReal::operator=(double value) {
  mpfr_set_d(value_, value, MPFR_RNDN);
  return *this;
}
MpReal::~MpReal() { mpfr_clear(value_); }

MpReal& MpReal::operator+=(const MpReal& b) {
  mpfr_add(value_, value_, b.value_, MPFR_RNDN);
  return *this;
}
MpReal& MpReal::operator-=(const MpReal& b) {
  mpfr_sub(value_, value_, b.value_, MPFR_RNDN);
  return *this;
}
MpReal& MpReal::operator*=(const MpReal& b) {
  mpfr_mul(value_, value_, b.value_, MPFR_RNDN);
  return *this;
}
MpReal& MpReal::operator/=(const MpReal& b) {
  mpfr_div(value_, value_, b.value_, MPFR_RNDN);
  return *this;
}

double MpReal::to_double() const { return mpfr_get_d(value_, MPFR_RNDN); }

std::string MpReal::to_string(int significant_digits) const {
  char* text = nullptr;
  mpfr_asprintf(&text, "%.*Rg", significant_digits, value_);
  std::string result = text ? text : "";
  mpfr_free_str(text);
  return result;
}

long MpReal::precision_bits() const { return static_cast<long>(mpfr_get_prec(value_)); }

MpReal operator+(MpReal a, const MpReal& b) { return a += b; }
MpReal operator-(MpReal a, const MpReal& b) { return a -= b; }
MpReal operator*(MpReal a, const MpReal& b) { return a *= b; }
MpReal operator/(MpReal a, const MpReal& b) { return a /= b; }
MpReal operator-(MpReal a) {
  mpfr_neg(a.get(), a.get(), MPFR_RNDN);
  return a;
}
bool operator<(const MpReal& a, const MpReal& b) { return mpfr_less_p(a.get(), b.get()) != 0; }
bool operator>(const MpReal& a, const MpReal& b) { return mpfr_greater_p(a.get(), b.get()) != 0; }
bool operator<=(const MpReal& a, const MpReal& b) {
  return mpfr_lessequal_p(a.get(), b.get()) != 0;
}
bool operator>=(const MpReal& a, const MpReal& b) {
  return mpfr_greaterequal_p(a.get(), b.get()) != 0;
}
bool operator==(const MpReal& a, const MpReal& b) { return mpfr_equal_p(a.get(), b.get()) != 0; }
MpReal sqrt(const MpReal& a) {
  MpReal result;
  mpfr_sqrt(result.get(), a.get(), MPFR_RNDN);
  return result;
}
void assign_sqrt(MpReal& out, const MpReal& a) { mpfr_sqrt(out.get(), a.get(), MPFR_RNDN); }
MpReal abs(const MpReal& a) {
  MpReal result;
  mpfr_abs(result.get(), a.get(), MPFR_RNDN);
  return result;
}

}  // namespace scidl::sci
