// Integrates a planar N-body problem onto an evenly spaced output grid, in double precision,
// double-double or MPFR at a chosen number of bits, and reports conservation of energy and angular
// momentum. Contract: the initial state follows nbody.h's layout (size 4N); outputs are returned as
// double rows, one per grid time t_k = k·dt, k = 0..rows-1 (row 0 is the initial state). A run that
// fails (collision, step limit) comes back with completed = false and the reason, never throws.
#pragma once
#include <string>
#include <vector>

namespace scidl::sci {

struct NBodyProblem {
  std::vector<double> masses;         // N positive masses (G = 1)
  std::vector<double> initial_state;  // 4N values: positions then velocities
  std::size_t bodies() const { return masses.size(); }
};

// Times t_k = k·dt, k = 0..rows-1. covering(T, dt) is the smallest such grid reaching t ≥ T
// (within 1e-9·dt), so T = 3.9, dt = 2⁻⁸ gives 1000 rows, T = 10 gives 2561.
struct OutputGrid {
  double dt = 1.0 / 256.0;
  int rows = 0;
  double time(int k) const { return k * dt; }
  double last_time() const { return (rows - 1) * dt; }
  static OutputGrid covering(double t_max, double dt);
};

// How hard to integrate: Bulirsch–Stoer tolerance (relative and absolute) and bits of
// precision. bits = 53 means native double, bits = 106 means double-double (DoubleDouble: two
// doubles, about ten times cheaper than MPFR), any other number means MPFR at that many bits.
struct Precision {
  static constexpr int kDoubleDoubleBits = 106;
  double tolerance = 1e-13;
  int bits = 53;
  bool is_double() const { return bits <= 53; }
  bool is_double_double() const { return bits == kDoubleDoubleBits; }
  bool is_mpfr() const { return !is_double() && !is_double_double(); }
  // e.g. "tol 1e-13 / double", "tol 1e-16 / double-double", "tol 1e-20 / 112 bits"
  std::string describe() const;
};

struct Trajectory {
  int bodies = 0;
  OutputGrid grid;
  std::vector<double> states;             // rows × 4N, row-major
  bool completed = false;                 // every grid row was reached
  std::string failure;                    // why not, when !completed
  double max_relative_energy_error = 0;   // max over rows of |E(t) - E(0)| / |E(0)|
  double max_angular_momentum_drift = 0;  // max over rows of |L(t) - L(0)| (absolute)
  long steps = 0, rejected_steps = 0, derivative_evaluations = 0;
  double wall_seconds = 0;

  const double* row(int k) const {
    return states.data() + static_cast<std::size_t>(k) * 4 * bodies;
  }
};

// max_steps bounds the work (accepted + rejected steps); 0 picks 1,000,000 in double and
// 200,000 in double-double and MPFR, so a run heading into a collision fails in seconds instead of
// hanging.
Trajectory integrate_nbody(const NBodyProblem& problem, const OutputGrid& grid,
                           const Precision& precision, long max_steps = 0);

}  // namespace scidl::sci
