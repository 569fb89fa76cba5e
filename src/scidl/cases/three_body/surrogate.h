// The Breen et al. surrogate as a physical model: a network mapping (t, x2_0, y2_0) to
// (x1, y1, x2, y2) at time t, completed into the full three-body state. Particle 3 follows from
// the barycentre condition x3 = -x1 - x2 (equal masses); velocities are the network's time
// derivatives ∂position/∂t, taken by reverse-mode autodiff w.r.t. the input t (the network input
// column 0), and v3 = -v1 - v2. Energy uses G = 1 and m = 1 for every body.
// Contract: inputs are rows of (t, x2_0, y2_0) in double; they are converted to the model's
// dtype, so a float32 network gives float32-accurate states. States come back in nbody.h's
// layout (x1 y1 x2 y2 x3 y3 vx1 vy1 vx2 vy2 vx3 vy3), 12 doubles per row. The model is run in
// eval mode and left in eval mode. Errors name the shape that was expected.
#pragma once
#include <cstdint>
#include <vector>

#include "scidl/nn/module.h"

namespace scidl::sci {

struct SurrogateStates {
  std::int64_t rows = 0;
  std::vector<double> states;  // rows × 12, nbody.h layout
  bool has_velocities = false;
  const double* row(std::int64_t k) const { return states.data() + k * 12; }
};

// inputs: rows × 3 values (t, x2_0, y2_0), row-major. Without velocities, no tape is recorded
// and the velocity entries are NaN.
SurrogateStates evaluate_surrogate(nn::Module& model, const std::vector<double>& inputs,
                                   bool with_velocities);

// The network's 4 outputs for rows × 3 inputs, no tape (timed by the report).
std::vector<double> surrogate_positions(nn::Module& model, const std::vector<double>& inputs);

// E = Σ ½|v_i|² − Σ_{i<j} 1/|x_i − x_j| for one 12-value state (G = 1, m = 1).
double three_body_energy(const double* state);
// The energy at t = 0 of the Breen set-up from rest: x1 = (1, 0), x2 = (x2_0, y2_0),
// x3 = −x1 − x2, so E0 is the potential alone.
double breen_initial_energy(double x2_0, double y2_0);
// |E(state) − E0| / |E0|.
double relative_energy_error(const double* state, double initial_energy);

}  // namespace scidl::sci
