// The three-body set-up of Breen et al. 2020 ("Newton vs the machine"): three equal masses
// (m = 1, G = 1) at rest in the plane, x1 = (1, 0), x2 chosen in the region
// x ∈ [-0.5, 0], y ∈ [0, 1], |x2| ≤ 1, and x3 = -x1 - x2 (barycentre at the origin).
// Contract: breen_problem() rejects x2 outside the region with an error that names the bounds;
// sample_breen_position(seed, run) is a pure function of its arguments (counter-based
// splitmix64), so run k gets the same x2 whatever thread computes it or in what order.
#pragma once
#include <cstdint>
#include <string>

#include "scidl/sci/nbody_integration.h"

namespace scidl::sci {

struct BreenPosition {
  double x = 0;  // initial position of particle 2
  double y = 0;
};

// Empty when (x, y) is a valid x2; otherwise a message saying which bound it breaks.
std::string breen_region_violation(double x, double y);

// The N-body problem for this x2; throws std::invalid_argument outside the region.
NBodyProblem breen_problem(BreenPosition x2);

// Uniform in the region (rejection sampling on the rectangle), from the (seed, run) pair alone.
BreenPosition sample_breen_position(std::uint64_t seed, std::uint64_t run_index);

// splitmix64's output function: a bijective 64-bit mixer (Steele, Lea & Flood 2014).
std::uint64_t splitmix64(std::uint64_t x);

}  // namespace scidl::sci
