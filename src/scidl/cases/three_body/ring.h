// The sensitivity ring of Breen et al. Fig. 5: initial positions of particle 2 on a circle of
// radius 0.01 around (−0.2, 0.3), integrated to a few times, to show how nearby initial
// conditions spread (chaos) and whether the network follows.
// Contract: ring point i has x2_0 = centre + radius·(cos 2πi/n, sin 2πi/n); each is integrated
// once in double precision at `tolerance` (Bulirsch–Stoer, no convergence ladder: the figure
// shows the spread, not converged digits), in parallel over `threads`. Times must be multiples
// of `grid_dt`. A run that fails (close encounter, step limit) comes back with NaN states and is
// counted, never an exception.
#pragma once
#include <vector>

namespace scidl::sci {

struct RingSettings {
  int points = 1000;
  double centre_x = -0.2, centre_y = 0.3, radius = 0.01;
  std::vector<double> times = {0, 0.95, 1.9, 2.95, 3.8};
  double grid_dt = 0.05;
  double tolerance = 1e-13;
  int threads = 2;
};

struct RingResult {
  std::vector<double> x2_0, y2_0;  // per point
  // states[(point * times + k) * 12 ...]: the 12-value state of point at times[k]
  std::vector<double> states;
  int failed = 0;
  double cpu_seconds = 0;  // summed over the worker threads
  double wall_seconds = 0;
};

RingResult integrate_ring(const RingSettings& settings);

}  // namespace scidl::sci
