// The few operations the integrators need beyond + - * /, spelled once for every scalar type
// (double and MpReal), so templates over the scalar stay free of allocation-heavy temporaries.
#pragma once
#include <cmath>

#include "scidl/sci/mp_real.h"

namespace scidl::sci {

inline double to_double(double x) { return x; }
inline double to_double(const MpReal& x) { return x.to_double(); }

inline void assign_sqrt(double& out, double a) { out = std::sqrt(a); }

// Bits of precision a scalar carries (53 for double).
inline long precision_bits_of(double) { return 53; }
inline long precision_bits_of(const MpReal& x) { return x.precision_bits(); }

}  // namespace scidl::sci
