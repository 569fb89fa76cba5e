// Explicit Runge–Kutta integrators of Dormand and Prince with adaptive steps and dense output,
// as Hairer's DOPRI5 and DOP853 (Hairer, Nørsett & Wanner, Solving ODEs I, 2nd ed., II.4–II.6;
// the codes dopri5.f / dop853.f): the same tableaus, error norms, initial step guess and step
// controller (DOPRI5 with Lund stabilisation β = 0.04; DOP853's combined 5th/3rd-order error
// estimate), and their continuous extensions of order 4 and 7. Stiffness detection is left out.
//
// step() takes one accepted step; dense(t) then evaluates the interpolant anywhere in the step
// just taken, so outputs on a grid and event times come from the interpolant instead of
// shortened steps. advance(t_end) lands exactly on t_end. The local error per step is kept
// below 1 in the RMS norm of error_i / (absolute_tolerance + relative_tolerance·max(|y_i|,
// |y_new_i|)). Throws IntegrationFailure (bulirsch_stoer.h), naming t, h and the state, when
// the step size underflows, the state stops being finite, or max_steps is exceeded.
#pragma once
#include <limits>
#include <string>
#include <vector>

#include "scidl/sci/bulirsch_stoer.h"  // IntegrationFailure
#include "scidl/sci/ode_system.h"

namespace scidl::sci {

enum class RungeKuttaMethod { dopri5, dop853 };

// "dopri5" / "dop853"; parse throws naming the choices.
const char* method_name(RungeKuttaMethod m);
RungeKuttaMethod parse_runge_kutta_method(const std::string& name);

struct DormandPrinceSettings {
  double relative_tolerance = 1e-9;
  double absolute_tolerance = 1e-12;
  double initial_step = 0;  // 0: Hairer's guess (hinit)
  double max_step = std::numeric_limits<double>::infinity();
  long max_steps = 10'000'000;  // accepted + rejected, over the integrator's life
};

struct DormandPrinceStats {
  long accepted_steps = 0;
  long rejected_steps = 0;
  long derivative_evaluations = 0;
};

class DormandPrince {
 public:
  DormandPrince(OdeSystem& system, RungeKuttaMethod method, const DormandPrinceSettings& settings,
                double t0, std::vector<double> y0);

  // One accepted step forward (never past limit when given); the step's interval is
  // [previous_t(), t()].
  void step(double limit = std::numeric_limits<double>::infinity());
  // Integrates to exactly t_end >= t().
  void advance(double t_end);
  // The continuous extension at s in [previous_t(), t()] of the last step.
  void dense(double s, std::vector<double>& out) const;
  double dense_component(double s, std::size_t i) const;

  double t() const { return t_; }
  double previous_t() const { return t_old_; }
  const std::vector<double>& y() const { return y_; }
  // Replaces the state at the current time (renormalising a shadow orbit): the next step starts
  // from y with a fresh derivative; the step size carries on.
  void reset_state(const std::vector<double>& y);
  RungeKuttaMethod method() const { return method_; }
  const DormandPrinceStats& stats() const { return stats_; }

 private:
  double initial_step_guess();
  double error_norm_dopri5(double h);
  double error_norm_dop853(double h);
  void stages_dopri5(double h);
  void stages_dop853(double h);
  void prepare_dense_dopri5(double h);
  void prepare_dense_dop853(double h);
  void evaluate(double t, const std::vector<double>& y, std::vector<double>& dydt);
  [[noreturn]] void fail(const std::string& why, double h) const;

  OdeSystem& system_;
  RungeKuttaMethod method_;
  DormandPrinceSettings settings_;
  std::size_t n_;
  double t_, t_old_ = 0, h_ = 0, h_last_ = 0, fac_old_ = 1e-4;
  bool previous_rejected_ = false;
  std::vector<double> y_, y_new_, y_stage_, f0_;
  std::vector<std::vector<double>> k_;     // stage derivatives (7 or 16)
  std::vector<std::vector<double>> cont_;  // dense-output coefficients of the last step (5 or 8)
  DormandPrinceStats stats_;
};

}  // namespace scidl::sci
