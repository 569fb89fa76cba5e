// A trajectory on a uniform time grid from an adaptive integrator: the steps are as long as the
// tolerance allows and the grid points come from the dense output, so the grid spacing never
// limits the accuracy. An optional event function ends the trajectory where it crosses zero
// from above (the projectile's ground), located on the interpolant to near machine precision.
#pragma once
#include <functional>
#include <vector>

#include "scidl/sci/dormand_prince.h"

namespace scidl::sci {

struct SampledTrajectory {
  std::size_t dimension = 0;
  std::vector<double> times;   // 0, dt, 2 dt, ... (t0-relative)
  std::vector<double> states;  // times.size() rows of `dimension` values
  bool event_hit = false;      // the event ended it (else t_end did)
  double event_time = 0;
  std::vector<double> event_state;
  DormandPrinceStats stats;
  std::size_t rows() const { return times.size(); }
  const double* row(std::size_t i) const { return states.data() + i * dimension; }
};

struct TrajectorySettings {
  RungeKuttaMethod method = RungeKuttaMethod::dop853;
  DormandPrinceSettings integrator;
  double dt = 0.01;     // grid spacing
  double t_end = 10.0;  // duration, unless the event comes first
};

// Event: g(t, y); the trajectory stops at the first t > t0 where g falls from > 0 to <= 0.
using EventFunction = std::function<double(double t, const std::vector<double>& y)>;

SampledTrajectory sample_trajectory(OdeSystem& system, std::vector<double> y0,
                                    const TrajectorySettings& settings,
                                    const EventFunction& stop = nullptr);

}  // namespace scidl::sci
