// The energy-aware surrogate of Breen et al. (2020, Sect. 4): the raw network's state (positions
// from the network, velocities from its time derivative) is projected, point by point, onto
// states that conserve the energy of the initial condition, by a small Nelder–Mead search that
// minimises  |E(s) − E0| / |E0|  +  distance_weight · |s − s_net|  over the 8 free coordinates
// (x1, y1, x2, y2, vx1, vy1, vx2, vy2; particle 3 follows from the barycentre and zero total
// momentum). The L1-type energy term makes the exact energy surface the minimiser's target as
// long as distance_weight is below |∇E| / |E0| (order 1), so a small weight means "the nearest
// energy-conserving state".
// Contract: the input state is nbody.h's 12-value layout with finite velocities; the output is
// the same layout, with x3 = −x1 − x2 and v3 = −v1 − v2 exactly; never throws on hard points
// (a close encounter), it returns the best state found and its energy error.
#pragma once
#include <array>

#include "scidl/sci/nelder_mead.h"

namespace scidl::sci {

struct EnergyProjectionOptions {
  double distance_weight = 1e-3;
  double initial_step = 1e-3;  // simplex size, relative to max(1, |coordinate|)
  int restarts = 1;            // Nelder–Mead restarted from its result (escapes early stalls)
  NelderMeadOptions nelder_mead{1e-14, 1200};
};

struct ProjectedState {
  std::array<double, 12> state{};
  double relative_energy_error = 0;  // after projection
  double distance = 0;               // |s − s_net| over the 8 free coordinates
  int evaluations = 0;
};

ProjectedState project_to_energy(const double* network_state, double initial_energy,
                                 const EnergyProjectionOptions& options = {});

}  // namespace scidl::sci
