#include "scidl/sci/trajectory.h"

#include <fmt/format.h>

#include <cmath>
#include <stdexcept>

namespace scidl::sci {

namespace {
// The root of g on the step's interpolant in [a, b], g(a) > 0 >= g(b): bisection to the last bit
// (the interpolant is cheap; at most ~60 halvings).
double locate_event(const DormandPrince& rk, const EventFunction& g, double a, double b,
                    std::vector<double>& y) {
  for (int i = 0; i < 200 && b - a > 4e-16 * std::max(1.0, std::abs(b)); ++i) {
    const double m = 0.5 * (a + b);
    rk.dense(m, y);
    (g(m, y) > 0 ? a : b) = m;
  }
  rk.dense(b, y);
  return b;
}
}  // namespace

SampledTrajectory sample_trajectory(OdeSystem& system, std::vector<double> y0,
                                    const TrajectorySettings& s, const EventFunction& stop) {
  if (!(s.dt > 0) || !std::isfinite(s.dt))
    throw std::invalid_argument(fmt::format("the time step dt must be positive, got {}", s.dt));
  if (!(s.t_end > 0) || !std::isfinite(s.t_end))
    throw std::invalid_argument(fmt::format("the duration must be positive, got {}", s.t_end));
  if (s.t_end / s.dt > 1e8)
    throw std::invalid_argument(fmt::format(
        "{} / {} = {:.3g} grid points is too many (at most 1e8): raise dt or shorten the run",
        s.t_end, s.dt, s.t_end / s.dt));
  SampledTrajectory out;
  out.dimension = system.dimension();
  DormandPrince rk(system, s.method, s.integrator, 0.0, y0);
  auto emit = [&](double t, const std::vector<double>& y) {
    out.times.push_back(t);
    out.states.insert(out.states.end(), y.begin(), y.end());
  };
  emit(0.0, y0);
  std::size_t next = 1;
  std::vector<double> y(out.dimension);
  double g_old = stop ? stop(0.0, y0) : 0;
  if (g_old == 0) g_old = 1;  // a start on the surface (the projectile's launch) counts as above
  while (rk.t() < s.t_end) {
    rk.step(s.t_end);
    double step_end = rk.t();
    if (stop) {
      const double g_new = stop(rk.t(), rk.y());
      if (g_old > 0 && g_new <= 0) {
        out.event_hit = true;
        out.event_time = locate_event(rk, stop, rk.previous_t(), rk.t(), y);
        out.event_state = y;
        step_end = out.event_time;
      }
      g_old = g_new;
    }
    for (double t = next * s.dt; t <= step_end * (1 + 1e-14); t = ++next * s.dt) {
      rk.dense(std::min(t, rk.t()), y);
      emit(t, y);
    }
    if (out.event_hit) break;
  }
  out.stats = rk.stats();
  return out;
}

}  // namespace scidl::sci
