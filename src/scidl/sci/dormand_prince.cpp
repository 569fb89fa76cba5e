#include "scidl/sci/dormand_prince.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>

#include "scidl/sci/dormand_prince_tableaus.h"

namespace scidl::sci {

namespace {
constexpr double kUnitRoundoff = 2.3e-16;  // dopri5.f's UROUND

// The step-size controller constants of dopri5.f / dop853.f (their defaults).
struct Controller {
  double beta, fac1, fac2, safe, expo1;
  int order;  // of the error estimate's exponent in the initial step guess
};
constexpr Controller kDopri5{0.04, 0.2, 10.0, 0.9, 0.2 - 0.04 * 0.75, 5};
constexpr Controller kDop853{0.0, 0.333, 6.0, 0.9, 1.0 / 8.0, 8};
}  // namespace

const char* method_name(RungeKuttaMethod m) {
  return m == RungeKuttaMethod::dopri5 ? "dopri5" : "dop853";
}

RungeKuttaMethod parse_runge_kutta_method(const std::string& name) {
  if (name == "dopri5") return RungeKuttaMethod::dopri5;
  if (name == "dop853") return RungeKuttaMethod::dop853;
  throw std::invalid_argument(
      fmt::format("unknown integrator '{}': choose dopri5 (Dormand-Prince 5(4)) or dop853", name));
}

DormandPrince::DormandPrince(OdeSystem& system, RungeKuttaMethod method,
                             const DormandPrinceSettings& settings, double t0,
                             std::vector<double> y0)
    : system_(system), method_(method), settings_(settings), n_(system.dimension()), t_(t0) {
  if (y0.size() != n_)
    throw std::invalid_argument(
        fmt::format("initial state has {} components, the system has {}", y0.size(), n_));
  if (!(settings.relative_tolerance > 0) || !(settings.absolute_tolerance >= 0))
    throw std::invalid_argument(
        fmt::format("tolerances must be positive (relative {}, absolute {})",
                    settings.relative_tolerance, settings.absolute_tolerance));
  if (settings.relative_tolerance <= 10 * kUnitRoundoff)  // as dop853.f refuses them
    throw std::invalid_argument(fmt::format(
        "a relative tolerance of {} is below what double precision can reach (at least {:.1e}; "
        "1e-10 is tight, 1e-13 the practical floor)",
        settings.relative_tolerance, 10 * kUnitRoundoff));
  if (!(settings.max_step > 0))
    throw std::invalid_argument(
        fmt::format("max_step must be positive, got {}", settings.max_step));
  y_ = std::move(y0);
  for (double v : y_)
    if (!std::isfinite(v))
      throw std::invalid_argument(fmt::format("initial state {} is not finite", y_));
  const bool five = method == RungeKuttaMethod::dopri5;
  k_.assign(five ? 7 : 16, std::vector<double>(n_));
  cont_.assign(five ? 5 : 8, std::vector<double>(n_));
  y_new_.resize(n_);
  y_stage_.resize(n_);
  f0_.resize(n_);
  t_old_ = t_;
  evaluate(t_, y_, k_[0]);
  h_ = settings.initial_step > 0 ? std::min(settings.initial_step, settings.max_step)
                                 : initial_step_guess();
}

void DormandPrince::evaluate(double t, const std::vector<double>& y, std::vector<double>& dydt) {
  system_.derivative(t, y, dydt);
  ++stats_.derivative_evaluations;
}

void DormandPrince::fail(const std::string& why, double h) const {
  throw IntegrationFailure(fmt::format("{} at t = {:.17g} with step {:.3g} (state {::.10g}); {}",
                                       method_name(method_), t_, h, y_, why));
}

// Hairer's HINIT: a step whose explicit Euler estimate of the local error is about 0.01.
double DormandPrince::initial_step_guess() {
  const auto& f0 = k_[0];
  double dnf = 0, dny = 0;
  for (std::size_t i = 0; i < n_; ++i) {
    const double sk = settings_.absolute_tolerance + settings_.relative_tolerance * std::abs(y_[i]);
    dnf += (f0[i] / sk) * (f0[i] / sk);
    dny += (y_[i] / sk) * (y_[i] / sk);
  }
  double h = (dnf <= 1e-10 || dny <= 1e-10) ? 1e-6 : std::sqrt(dny / dnf) * 0.01;
  h = std::min(h, settings_.max_step);
  for (std::size_t i = 0; i < n_; ++i) y_stage_[i] = y_[i] + h * f0[i];
  auto& f1 = k_[1];
  evaluate(t_ + h, y_stage_, f1);
  double der2 = 0;
  for (std::size_t i = 0; i < n_; ++i) {
    const double sk = settings_.absolute_tolerance + settings_.relative_tolerance * std::abs(y_[i]);
    der2 += ((f1[i] - f0[i]) / sk) * ((f1[i] - f0[i]) / sk);
  }
  der2 = std::sqrt(der2) / h;
  const double der12 = std::max(std::abs(der2), std::sqrt(dnf));
  const int order = method_ == RungeKuttaMethod::dopri5 ? kDopri5.order : kDop853.order;
  const double h1 = der12 <= 1e-15 ? std::max(1e-6, h * 1e-3) : std::pow(0.01 / der12, 1.0 / order);
  return std::min({100 * h, h1, settings_.max_step});
}

void DormandPrince::stages_dopri5(double h) {
  namespace T = tableau::dopri5;
  for (int s = 1; s < 7; ++s) {
    auto& target = s == 6 ? y_new_ : y_stage_;
    for (std::size_t i = 0; i < n_; ++i) {
      double acc = 0;
      for (int j = 0; j < s; ++j) acc += T::a[s][j] * k_[j][i];
      target[i] = y_[i] + h * acc;
    }
    evaluate(t_ + T::c[s] * h, target, k_[s]);
  }
}

double DormandPrince::error_norm_dopri5(double h) {
  namespace T = tableau::dopri5;
  double err = 0;
  for (std::size_t i = 0; i < n_; ++i) {
    double e = 0;
    for (int j = 0; j < 7; ++j) e += T::e[j] * k_[j][i];
    const double sk = settings_.absolute_tolerance +
                      settings_.relative_tolerance * std::max(std::abs(y_[i]), std::abs(y_new_[i]));
    err += (h * e / sk) * (h * e / sk);
  }
  return std::sqrt(err / static_cast<double>(n_));
}

void DormandPrince::stages_dop853(double h) {
  namespace T = tableau::dop853;
  for (int s = 1; s <= T::stages; ++s) {  // s == stages: the solution, without its derivative
    auto& target = s == T::stages ? y_new_ : y_stage_;
    for (std::size_t i = 0; i < n_; ++i) {
      double acc = 0;
      for (int j = 0; j < s; ++j) acc += T::a[s][j] * k_[j][i];
      target[i] = y_[i] + h * acc;
    }
    if (s < T::stages) evaluate(t_ + T::c[s] * h, target, k_[s]);
  }
}

// dop853.f: the 5th-order estimate, damped by the 3rd-order one where that is much larger.
double DormandPrince::error_norm_dop853(double h) {
  namespace T = tableau::dop853;
  double err5 = 0, err3 = 0;
  for (std::size_t i = 0; i < n_; ++i) {
    const double sk = settings_.absolute_tolerance +
                      settings_.relative_tolerance * std::max(std::abs(y_[i]), std::abs(y_new_[i]));
    double e5 = 0, b = 0;
    for (int j = 0; j < T::stages; ++j) {
      e5 += T::e5[j] * k_[j][i];
      b += T::a[T::stages][j] * k_[j][i];
    }
    const double e3 = b - T::bhh1 * k_[0][i] - T::bhh2 * k_[8][i] - T::bhh3 * k_[11][i];
    err5 += (e5 / sk) * (e5 / sk);
    err3 += (e3 / sk) * (e3 / sk);
  }
  double denominator = err5 + 0.01 * err3;
  if (denominator <= 0) denominator = 1;
  return std::abs(h) * err5 * std::sqrt(1.0 / (static_cast<double>(n_) * denominator));
}

// Needs k_[6] = f(t + h, y_new) (first same as last).
void DormandPrince::prepare_dense_dopri5(double h) {
  namespace T = tableau::dopri5;
  for (std::size_t i = 0; i < n_; ++i) {
    const double dy = y_new_[i] - y_[i], bspl = h * k_[0][i] - dy;
    cont_[0][i] = y_[i];
    cont_[1][i] = dy;
    cont_[2][i] = bspl;
    cont_[3][i] = dy - h * k_[6][i] - bspl;
    double acc = 0;
    for (int j = 0; j < 7; ++j) acc += T::d[j] * k_[j][i];
    cont_[4][i] = h * acc;
  }
}

// Needs k_[12] = f(t + h, y_new); evaluates the three extra stages 14-16.
void DormandPrince::prepare_dense_dop853(double h) {
  namespace T = tableau::dop853;
  for (int s = 13; s < 16; ++s) {
    for (std::size_t i = 0; i < n_; ++i) {
      double acc = 0;
      for (int j = 0; j < s; ++j) acc += T::a[s][j] * k_[j][i];
      y_stage_[i] = y_[i] + h * acc;
    }
    evaluate(t_ + T::c[s] * h, y_stage_, k_[s]);
  }
  for (std::size_t i = 0; i < n_; ++i) {
    const double dy = y_new_[i] - y_[i], bspl = h * k_[0][i] - dy;
    cont_[0][i] = y_[i];
    cont_[1][i] = dy;
    cont_[2][i] = bspl;
    cont_[3][i] = dy - h * k_[12][i] - bspl;
    for (int r = 0; r < 4; ++r) {
      double acc = 0;
      for (int j = 0; j < 16; ++j) acc += T::d[r][j] * k_[j][i];
      cont_[4 + r][i] = h * acc;
    }
  }
}

void DormandPrince::step(double limit) {
  if (!(limit > t_)) fail(fmt::format("cannot step to {:.17g}, not after t", limit), h_);
  const bool five = method_ == RungeKuttaMethod::dopri5;
  const Controller& ctl = five ? kDopri5 : kDop853;
  double h = std::min(h_, settings_.max_step);
  for (;;) {
    if (stats_.accepted_steps + stats_.rejected_steps >= settings_.max_steps)
      fail(fmt::format("more than {} steps (max_steps); loosen the tolerances or raise max_steps",
                       settings_.max_steps),
           h);
    if (0.1 * std::abs(h) <= std::abs(t_) * kUnitRoundoff || h < 1e-300)
      fail(
          "the step size underflows: the solution may blow up here (a singularity), or the "
          "tolerance is below what double precision can reach; try a relative tolerance of "
          "1e-10 or looser",
          h);
    const bool last = (t_ + 1.01 * h - limit) > 0;
    if (last) h = limit - t_;
    double err;
    if (five) {
      stages_dopri5(h);
      err = error_norm_dopri5(h);
    } else {
      stages_dop853(h);
      err = error_norm_dop853(h);
    }
    if (!std::isfinite(err)) {  // an overflow in a stage: retry much smaller
      ++stats_.rejected_steps;
      h *= 0.1;
      previous_rejected_ = true;
      continue;
    }
    const double fac11 = std::pow(err, ctl.expo1);
    if (err <= 1.0) {
      double fac = fac11 / std::pow(fac_old_, ctl.beta);
      fac = std::max(1.0 / ctl.fac2, std::min(1.0 / ctl.fac1, fac / ctl.safe));
      double h_new = std::min(h / fac, settings_.max_step);
      if (previous_rejected_) h_new = std::min(h_new, h);
      fac_old_ = std::max(err, 1e-4);
      ++stats_.accepted_steps;
      if (five) {  // k_[6] already holds f(t + h, y_new)
        prepare_dense_dopri5(h);
      } else {
        evaluate(t_ + h, y_new_, k_[12]);
        prepare_dense_dop853(h);
      }
      t_old_ = t_;
      t_ = last ? limit : t_ + h;
      h_last_ = h;
      y_.swap(y_new_);
      k_[0] = five ? k_[6] : k_[12];
      h_ = h_new;
      previous_rejected_ = false;
      return;
    }
    h /= std::min(1.0 / ctl.fac1, fac11 / ctl.safe);
    previous_rejected_ = true;
    ++stats_.rejected_steps;
  }
}

void DormandPrince::advance(double t_end) {
  if (t_end < t_) fail(fmt::format("cannot integrate backwards to {:.17g}", t_end), h_);
  while (t_ < t_end) step(t_end);
}

double DormandPrince::dense_component(double s, std::size_t i) const {
  const double theta = h_last_ > 0 ? (s - t_old_) / h_last_ : 1.0, theta1 = 1 - theta;
  if (method_ == RungeKuttaMethod::dopri5)
    return cont_[0][i] +
           theta * (cont_[1][i] +
                    theta1 * (cont_[2][i] + theta * (cont_[3][i] + theta1 * cont_[4][i])));
  const double par =
      cont_[4][i] + theta * (cont_[5][i] + theta1 * (cont_[6][i] + theta * cont_[7][i]));
  return cont_[0][i] +
         theta * (cont_[1][i] + theta1 * (cont_[2][i] + theta * (cont_[3][i] + theta1 * par)));
}

void DormandPrince::dense(double s, std::vector<double>& out) const {
  out.resize(n_);
  if (h_last_ <= 0) {  // no step taken yet: the initial state
    out = y_;
    return;
  }
  for (std::size_t i = 0; i < n_; ++i) out[i] = dense_component(s, i);
}

void DormandPrince::reset_state(const std::vector<double>& y) {
  if (y.size() != n_)
    throw std::invalid_argument(
        fmt::format("reset_state: {} components for a system of {}", y.size(), n_));
  y_ = y;
  evaluate(t_, y_, k_[0]);
  h_last_ = 0;  // the last step's interpolant no longer describes this state
  t_old_ = t_;
}

}  // namespace scidl::sci
