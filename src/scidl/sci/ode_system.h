// A system of ordinary differential equations y' = f(t, y) in double precision, as the adaptive
// Runge–Kutta integrators (dormand_prince.h) and the Lyapunov estimator (lyapunov.h) take it.
// The contract is BulirschStoer's (bulirsch_stoer.h) for Scalar = double, so one problem runs
// under either integrator.
#pragma once
#include <cstddef>
#include <string>
#include <vector>

namespace scidl::sci {

class OdeSystem {
 public:
  virtual ~OdeSystem() = default;
  virtual std::size_t dimension() const = 0;
  virtual void derivative(const double& t, const std::vector<double>& y,
                          std::vector<double>& dydt) = 0;
};

}  // namespace scidl::sci
