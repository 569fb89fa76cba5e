// The few operations the integrators need beyond + - * /, spelled once for every scalar type
// (double, DoubleDouble and MpReal), so templates over the scalar stay free of allocation-heavy
// temporaries.
#pragma once
#include <cmath>

#include "scidl/sci/double_double.h"
#include "scidl/sci/mp_real.h"

namespace scidl::sci {

inline double to_double(double x) { return x; }
inline double to_double(const DoubleDouble& x) { return x.to_double(); }
inline double to_double(const MpReal& x) { return x.to_double(); }

inline void assign_sqrt(double& out, double a) { out = std::sqrt(a); }

// Bits of precision a scalar carries (53 for double).
inline long precision_bits_of(double) { return 53; }
inline long precision_bits_of(const DoubleDouble&) { return DoubleDouble::kBits; }
inline long precision_bits_of(const MpReal& x) { return x.precision_bits(); }

}  // namespace scidl::sci
