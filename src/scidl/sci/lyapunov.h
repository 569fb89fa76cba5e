// The largest Lyapunov exponent by Benettin's method (Benettin et al., Meccanica 15:9, 1980) with
// a shadow orbit: the reference and a copy displaced by d0 are integrated as one system (the same
// adaptive steps, so their truncation errors nearly cancel in the difference); every
// `renormalise_interval` the separation d1 is measured, ln(d1/d0) accumulated, and the copy
// pulled back to distance d0 along the current separation. A transient is run first (with
// renormalisation, so the separation aligns with the most unstable direction) and not counted.
// λ1 = Σ ln(d1/d0) / (counted time); the Lyapunov time is 1/λ1.
#pragma once
#include <functional>
#include <vector>

#include "scidl/sci/dormand_prince.h"

namespace scidl::sci {

struct LyapunovSettings {
  double transient = 50;            // time discarded first
  double duration = 500;            // time counted after the transient
  double renormalise_interval = 1;  // τ
  double separation = 1e-8;         // d0, in the state's Euclidean norm
  RungeKuttaMethod method = RungeKuttaMethod::dop853;
  DormandPrinceSettings integrator{1e-11, 1e-13};
  void validate() const;
};

struct LyapunovEstimate {
  double exponent = 0;          // λ1, per unit time
  std::vector<double> times;    // counted time at each renormalisation
  std::vector<double> running;  // the estimate so far at each renormalisation
  long renormalisations = 0;
  DormandPrinceStats stats;
};

// progress(done, total) is called after each renormalisation when given.
LyapunovEstimate largest_lyapunov_exponent(
    OdeSystem& system, const std::vector<double>& y0, const LyapunovSettings& settings,
    const std::function<void(double, double)>& progress = nullptr);

}  // namespace scidl::sci
