// Where chaos wins: over a grid of the double pendulum's release angles (θ1, θ2), how long a
// learned integrator (a window model rolled out from the first k points) follows the true
// motion, in units of that release's Lyapunov time 1/λ1. The lecture shows two points of this
// map; a value well below 1 means the network fails before chaos explains it (model error), one
// near or above 1 means it holds about as long as sensitivity to initial conditions allows.
#pragma once
#include <filesystem>
#include <functional>
#include <vector>

#include "scidl/cases/ode/rollout.h"
#include "scidl/sci/lyapunov.h"

namespace scidl::sci {

struct ChaosMapSettings {
  std::vector<double> theta1_deg, theta2_deg;  // the grid's axes
  DoublePendulumParameters pendulum;
  TrajectorySettings trajectory;  // dt must be the model's; t_end is the horizon
  double distance = 0.25;         // m: the lower bob "departs" beyond this
  LyapunovSettings lyapunov{10, 200, 0.5, 1e-8};
};

struct ChaosCell {
  double theta1 = 0, theta2 = 0;  // degrees
  double lyapunov_exponent = 0;   // 1/s
  double departure_time = 0;      // s after release; infinity: never within the horizon
  double departure_in_lyapunov_times() const { return departure_time * lyapunov_exponent; }
};

using MapProgress = std::function<void()>;  // called once per cell finished
std::vector<ChaosCell> chaos_map(WindowModel& model, const ChaosMapSettings& s,
                                 const MapProgress& progress = nullptr);

// DIR/chaos_map.csv and DIR/chaos_map.{png,svg} (three heatmaps: λ1, departure time, departure
// in Lyapunov times; a never-departing cell is drawn at the horizon). Returns the files.
std::vector<std::filesystem::path> write_chaos_map(const std::filesystem::path& dir,
                                                   const std::vector<ChaosCell>& cells,
                                                   const ChaosMapSettings& s);

}  // namespace scidl::sci
