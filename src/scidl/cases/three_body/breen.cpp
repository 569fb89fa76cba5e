#include "scidl/cases/three_body/breen.h"

#include <fmt/core.h>

#include <cmath>
#include <stdexcept>

namespace scidl::sci {

std::uint64_t splitmix64(std::uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

std::string breen_region_violation(double x, double y) {
  if (!(x >= -0.5 && x <= 0.0)) {
    return fmt::format("x2 = ({}, {}) is outside the Breen et al. region: x must lie in [-0.5, 0]",
                       x, y);
  }
  if (!(y >= 0.0 && y <= 1.0)) {
    return fmt::format("x2 = ({}, {}) is outside the Breen et al. region: y must lie in [0, 1]", x,
                       y);
  }
  if (x * x + y * y > 1.0) {
    return fmt::format("x2 = ({}, {}) is outside the Breen et al. region: |x2| = {} exceeds 1", x,
                       y, std::sqrt(x * x + y * y));
  }
  return {};
}

NBodyProblem breen_problem(BreenPosition x2) {
  if (std::string why = breen_region_violation(x2.x, x2.y); !why.empty()) {
    throw std::invalid_argument(why + " (choose x in [-0.5, 0], y in [0, 1], x² + y² <= 1)");
  }
  NBodyProblem p;
  p.masses = {1.0, 1.0, 1.0};
  p.initial_state = {1.0, 0.0, x2.x, x2.y, -1.0 - x2.x, -x2.y,  // positions
                     0.0, 0.0, 0.0,  0.0,  0.0,         0.0};   // at rest
  return p;
}

BreenPosition sample_breen_position(std::uint64_t seed, std::uint64_t run_index) {
  // Stream (seed, run) → counter draws; 53 random bits give a uniform double in [0, 1).
  const std::uint64_t stream = splitmix64(seed ^ splitmix64(run_index + 0x5C1D1ull));
  for (std::uint64_t draw = 0;; draw += 2) {
    const double u = (splitmix64(stream + draw) >> 11) * 0x1p-53;
    const double v = (splitmix64(stream + draw + 1) >> 11) * 0x1p-53;
    const BreenPosition p{-0.5 * u, v};
    if (p.x * p.x + p.y * p.y <= 1.0) return p;  // accepts ~98% of draws
  }
}

}  // namespace scidl::sci
