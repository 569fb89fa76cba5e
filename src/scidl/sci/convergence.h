// Brutus-style convergence (Boekholt & Portegies Zwart 2015): integrate, integrate again with a
// stricter tolerance and more bits, and accept when the two solutions agree over the whole output
// window; otherwise go one rung up the precision ladder and compare again.
// Contract: the ladder starts in double precision (cheap), goes on in double-double (106 bits,
// still cheap) and escalates to MPFR only for runs that still fail; every rung carries at least
// the bits of Brutus' rule of thumb, bits = 4·|log10 tol| + 32. Each rung is compared with the
// one before it, so every rung run is either accepted or the base of the next comparison. A run
// whose last two rungs still disagree (or that cannot be integrated at all) is returned with
// converged = false; the strictest trajectory computed is kept but never marked converged.
#pragma once
#include <string>
#include <vector>

#include "scidl/sci/nbody_integration.h"

namespace scidl::sci {

struct ConvergenceSettings {
  // Two solutions agree when, at every output time, the Euclidean distance between their full
  // phase-space vectors (all positions and velocities) is below this.
  // The default, 1e-4, is 1000x stricter than Brutus' criterion (mean distance < 0.1; a max is
  // never below the mean) and 200x below the surrogate's target MAE of 0.02 (docs/three_body.md).
  double accept_distance = 1e-4;
  // Rungs needing more bits than this (by Brutus' rule) are left out; 144 bits is tol 1e-28.
  int max_bits = 144;
  // Double-precision rungs, then double-double rungs (each needs at most 106 bits by Brutus'
  // rule: tol ≥ 1e-18.5), then MPFR rungs 1e-20, 1e-24, 1e-28, ... (factor 1e-4 each).
  std::vector<double> double_tolerances = {1e-11, 1e-13};
  std::vector<double> double_double_tolerances = {1e-16, 1e-18};
  double first_mpfr_tolerance = 1e-20;
  double mpfr_tolerance_factor = 1e-4;
};

// Bits for an MPFR rung at this tolerance: 4·|log10 tol| + 32 (Brutus' rule of thumb).
int brutus_bits_for_tolerance(double tolerance);

// The rungs, cheapest first, up to settings.max_bits. Double-double rungs carry bits = 106
// (Precision::kDoubleDoubleBits), so stored precisions still order by strictness.
std::vector<Precision> precision_ladder(const ConvergenceSettings& settings);

// Throws std::invalid_argument, saying what to change, when the ladder has fewer than 2 rungs.
void check_convergence_settings(const ConvergenceSettings& settings);

// Max over the common output rows of the phase-space distance; +inf if either run is incomplete.
double max_phase_space_distance(const Trajectory& a, const Trajectory& b);

struct ConvergenceAttempt {
  Precision precision;
  bool completed = false;
  double distance_to_previous = -1;  // -1 for the first rung
  double wall_seconds = 0;
};

struct ConvergedRun {
  bool converged = false;
  Precision precision;   // of the returned trajectory (the stricter of the agreeing pair)
  double distance = -1;  // between the agreeing (or last compared) pair
  Trajectory trajectory;
  std::vector<ConvergenceAttempt> attempts;
  double wall_seconds = 0;  // all rungs together
  double cpu_seconds = 0;   // CPU time of the calling thread, all rungs (robust to load)
  std::string note;         // why it did not converge, when it did not
};

// CPU time consumed so far by the calling thread (CLOCK_THREAD_CPUTIME_ID).
double thread_cpu_seconds();

ConvergedRun integrate_until_converged(const NBodyProblem& problem, const OutputGrid& grid,
                                       const ConvergenceSettings& settings);

}  // namespace scidl::sci
