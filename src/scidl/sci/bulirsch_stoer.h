// Bulirsch–Stoer integrator for y' = f(t, y): Gragg's modified midpoint rule with the even step
// sequence n = 2, 4, 6, ... and Aitken–Neville polynomial extrapolation in h², with adaptive step
// size AND order (the work-per-unit-step controller of Hairer–Wanner / Numerical Recipes 3rd ed.).
// Written once over the scalar type: double, DoubleDouble (106 bits), or MpReal (MPFR) at the
// thread's working precision.
//
// Contract. System must provide
//   std::size_t dimension() const;
//   void derivative(const Scalar& t, const std::vector<Scalar>& y, std::vector<Scalar>& dydt);
// advance(t, y, t_end) integrates from t to t_end > t and lands exactly on t_end (the last step
// is shortened), so outputs on a grid need no interpolation. The local error per step is kept
// below 1 in the RMS norm of  error_i / (absolute_tolerance + relative_tolerance·|y_i|).
// Throws IntegrationFailure when the step size underflows or max_steps is exceeded (for example
// at a collision singularity); y and t are then left at the last accepted step.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "scidl/sci/scalar_ops.h"

namespace scidl::sci {

struct BulirschStoerSettings {
  double relative_tolerance = 1e-13;
  double absolute_tolerance = 1e-13;
  int max_columns = 0;           // extrapolation columns; 0 picks from the tolerance (8..16)
  long max_steps = 2'000'000;    // accepted + rejected steps per advance() call sequence
  double epsilon_of_scalar = 0;  // unit roundoff; 0 means that of double (2^-52)
};

struct BulirschStoerStats {
  long accepted_steps = 0;
  long rejected_steps = 0;
  long derivative_evaluations = 0;
};

class IntegrationFailure : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

template <class Scalar, class System>
class BulirschStoer {
 public:
  BulirschStoer(System& system, const BulirschStoerSettings& settings);

  void advance(Scalar& t, std::vector<Scalar>& y, const Scalar& t_end);
  const BulirschStoerStats& stats() const { return stats_; }

 private:
  // Takes one accepted step from (t, y), starting from step size h and shrinking it on
  // rejection; returns the step actually taken. Sets next_step_ for the following call.
  Scalar take_step(const Scalar& t, std::vector<Scalar>& y, Scalar h);
  void modified_midpoint(const Scalar& t, const std::vector<Scalar>& y, const Scalar& h, int n);
  void extrapolate(int k);  // folds midpoint_result_ into table_ as row k
  double error_norm(int k, const std::vector<Scalar>& y_start);
  void choose_next_order_and_step(int k, double h);

  System& system_;
  BulirschStoerSettings settings_;
  int columns_;                                    // number of usable columns (KMAX)
  std::vector<int> sequence_;                      // n_k, k = 0..columns_
  std::vector<double> cost_;                       // derivative evaluations to reach column k
  std::vector<std::vector<Scalar>> coefficients_;  // 1 / ((n_k / n_{k-l})² - 1)
  std::vector<std::vector<Scalar>> table_;         // extrapolation tableau, one row per column
  std::vector<double> optimal_step_, work_;
  std::vector<Scalar> dydt_start_, z_previous_, z_current_, derivative_;
  Scalar scratch_, difference_;
  int target_column_ = 1;
  bool first_step_ = true;
  bool previous_rejected_ = false;
  double next_step_ = 0;
  BulirschStoerStats stats_;
};

// ---- implementation ----------------------------------------------------------------------

template <class Scalar, class System>
BulirschStoer<Scalar, System>::BulirschStoer(System& system, const BulirschStoerSettings& settings)
    : system_(system), settings_(settings) {
  const double digits = -std::log10(std::max(settings.relative_tolerance, 1e-300));
  columns_ = settings.max_columns > 0
                 ? settings.max_columns
                 : std::clamp(8 + static_cast<int>((digits - 13.0) / 3.0), 8, 16);
  columns_ = std::max(columns_, 3);
  const int entries = columns_ + 1;
  sequence_.resize(entries);
  cost_.resize(entries);
  for (int k = 0; k < entries; ++k) {
    sequence_[k] = 2 * (k + 1);
    // The derivative at the start is shared; z_n then needs n - 1 further evaluations.
    cost_[k] = (k == 0 ? 1.0 : cost_[k - 1]) + sequence_[k] - 1;
  }
  coefficients_.assign(entries, {});
  for (int k = 1; k < entries; ++k) {
    for (int l = 1; l <= k; ++l) {
      // 1 / ((n_k / n_j)² - 1) = n_j² / (n_k² - n_j²): integers, so the quotient is correctly
      // rounded at the scalar's precision (a double ratio would cap MPFR runs near 1e-23).
      const double nj2 = static_cast<double>(sequence_[k - l]) * sequence_[k - l];
      const double nk2 = static_cast<double>(sequence_[k]) * sequence_[k];
      Scalar c = nj2;
      c /= Scalar(nk2 - nj2);
      coefficients_[k].push_back(c);
    }
  }
  const std::size_t n = system_.dimension();
  table_.assign(entries, std::vector<Scalar>(n));
  optimal_step_.assign(entries, 0.0);
  work_.assign(entries, 0.0);
  dydt_start_.assign(n, Scalar());
  z_previous_.assign(n, Scalar());
  z_current_.assign(n, Scalar());
  derivative_.assign(n, Scalar());
  const double log_factor = 0.6 * digits + 0.5;
  target_column_ = std::max(1, std::min(columns_ - 1, static_cast<int>(log_factor)));
  if (settings_.epsilon_of_scalar <= 0) settings_.epsilon_of_scalar = 0x1p-52;
}

template <class Scalar, class System>
void BulirschStoer<Scalar, System>::advance(Scalar& t, std::vector<Scalar>& y,
                                            const Scalar& t_end) {
  Scalar remaining = t_end;
  remaining -= t;
  if (!(remaining > Scalar(0.0))) return;
  if (next_step_ <= 0) next_step_ = to_double(remaining);
  for (;;) {
    remaining = t_end;
    remaining -= t;
    const double remaining_d = to_double(remaining);
    const bool landing = next_step_ >= remaining_d * (1.0 - 1e-12);
    const double planned = next_step_;
    const Scalar h = landing ? remaining : Scalar(next_step_);
    const Scalar taken = take_step(t, y, h);
    if (landing && taken == h) {
      t = t_end;
      // A step cut short to land on the grid says nothing about the step the solution allows.
      next_step_ = std::max(next_step_, planned);
      return;
    }
    t += taken;
  }
}

template <class Scalar, class System>
Scalar BulirschStoer<Scalar, System>::take_step(const Scalar& t, std::vector<Scalar>& y, Scalar h) {
  system_.derivative(t, y, dydt_start_);
  ++stats_.derivative_evaluations;
  double h_d = to_double(h);
  int k = 0;
  for (;;) {
    if (stats_.accepted_steps + stats_.rejected_steps >= settings_.max_steps) {
      throw IntegrationFailure("Bulirsch-Stoer: more than " + std::to_string(settings_.max_steps) +
                               " steps at t = " + std::to_string(to_double(t)) +
                               "; the solution is too hard at this tolerance (close encounter?)");
    }
    const double t_d = std::abs(to_double(t));
    if (h_d < 8.0 * settings_.epsilon_of_scalar * std::max(1.0, t_d)) {
      throw IntegrationFailure("Bulirsch-Stoer: step size underflow (h = " + std::to_string(h_d) +
                               ") at t = " + std::to_string(to_double(t)) +
                               "; the solution is singular here (collision?)");
    }
    bool rejected = false;
    double new_step = h_d;
    for (k = 0; k <= target_column_ + 1; ++k) {
      modified_midpoint(t, y, h, sequence_[k]);
      extrapolate(k);
      if (k == 0) continue;
      double err = error_norm(k, y);
      if (!std::isfinite(err)) err = 1e300;
      const double exponent = 1.0 / (2 * k + 1);
      const double min_factor = std::pow(0.02, exponent);
      double factor = 1.0 / min_factor;
      if (err > 0) {
        factor = 0.94 / std::pow(err / 0.65, exponent);
        factor = std::max(min_factor / 4.0, std::min(1.0 / min_factor, factor));
      }
      optimal_step_[k] = h_d * factor;
      work_[k] = cost_[k] / optimal_step_[k];
      auto reject_and_lower_order = [&] {
        rejected = true;
        if (target_column_ > 1 && work_[target_column_ - 1] < 0.8 * work_[target_column_]) {
          --target_column_;
        }
        new_step = optimal_step_[target_column_];
      };
      if (first_step_ && err <= 1.0) break;
      if (k == target_column_ - 1 && !previous_rejected_ && !first_step_) {
        if (err <= 1.0) break;
        const double bound = static_cast<double>(sequence_[target_column_]) *
                             sequence_[target_column_ + 1] / (sequence_[0] * sequence_[0]);
        if (err > bound * bound) {
          target_column_ = k;
          reject_and_lower_order();
          break;
        }
      }
      if (k == target_column_) {
        if (err <= 1.0) break;
        const double bound = static_cast<double>(sequence_[k + 1]) / sequence_[0];
        if (err > bound * bound) {
          reject_and_lower_order();
          break;
        }
      }
      if (k == target_column_ + 1) {
        if (err > 1.0) reject_and_lower_order();
        break;
      }
    }
    if (!rejected) break;
    ++stats_.rejected_steps;
    previous_rejected_ = true;
    h_d = new_step;
    h = Scalar(h_d);
  }
  ++stats_.accepted_steps;
  std::swap(y, table_[k]);
  first_step_ = false;
  choose_next_order_and_step(k, h_d);
  return h;
}

template <class Scalar, class System>
void BulirschStoer<Scalar, System>::modified_midpoint(const Scalar& t, const std::vector<Scalar>& y,
                                                      const Scalar& h, int n) {
  Scalar substep = h;
  substep /= Scalar(static_cast<double>(n));
  Scalar two_substeps = substep;
  two_substeps += substep;
  const std::size_t dim = y.size();
  z_previous_ = y;
  for (std::size_t i = 0; i < dim; ++i) {
    z_current_[i] = dydt_start_[i];
    z_current_[i] *= substep;
    z_current_[i] += y[i];
  }
  Scalar time = t;
  time += substep;
  for (int m = 1; m < n; ++m) {
    system_.derivative(time, z_current_, derivative_);
    for (std::size_t i = 0; i < dim; ++i) {
      derivative_[i] *= two_substeps;
      z_previous_[i] += derivative_[i];
    }
    std::swap(z_previous_, z_current_);
    time += substep;
  }
  stats_.derivative_evaluations += n - 1;
  // z_current_ now holds z_n; extrapolate() consumes it.
}

template <class Scalar, class System>
void BulirschStoer<Scalar, System>::extrapolate(int k) {
  // Row k of the Aitken–Neville tableau, computed in place: table_[l] holds T_{k-1,l} on entry
  // and T_{k,l} on exit, with T_{k,0} the midpoint result for n_k.
  const std::size_t dim = z_current_.size();
  for (std::size_t i = 0; i < dim; ++i) {
    Scalar& current = scratch_;
    current = z_current_[i];
    for (int l = 1; l <= k; ++l) {
      difference_ = current;
      difference_ -= table_[l - 1][i];
      table_[l - 1][i] = current;
      difference_ *= coefficients_[k][l - 1];
      current += difference_;
    }
    table_[k][i] = current;
  }
}

template <class Scalar, class System>
double BulirschStoer<Scalar, System>::error_norm(int k, const std::vector<Scalar>& y_start) {
  const std::size_t dim = y_start.size();
  double sum = 0;
  for (std::size_t i = 0; i < dim; ++i) {
    difference_ = table_[k][i];
    difference_ -= table_[k - 1][i];
    const double scale = settings_.absolute_tolerance +
                         settings_.relative_tolerance * std::max(std::abs(to_double(y_start[i])),
                                                                 std::abs(to_double(table_[k][i])));
    const double e = to_double(difference_) / scale;
    sum += e * e;
  }
  return std::sqrt(sum / static_cast<double>(dim));
}

template <class Scalar, class System>
void BulirschStoer<Scalar, System>::choose_next_order_and_step(int k, double h) {
  int best;
  if (k == 1) {
    best = 2;
  } else if (k <= target_column_) {
    best = k;
    if (work_[k - 1] < 0.8 * work_[k]) {
      best = k - 1;
    } else if (work_[k] < 0.9 * work_[k - 1]) {
      best = std::min(k + 1, columns_ - 1);
    }
  } else {
    best = k - 1;
    if (k > 2 && work_[k - 2] < 0.8 * work_[k - 1]) best = k - 2;
    if (work_[k] < 0.9 * work_[best]) best = std::min(k, columns_ - 1);
  }
  if (previous_rejected_) {
    target_column_ = std::min(best, k);
    next_step_ = std::min(h, optimal_step_[target_column_]);
    previous_rejected_ = false;
    return;
  }
  if (best <= k) {
    next_step_ = optimal_step_[best];
  } else if (k < target_column_ && work_[k] < 0.9 * work_[k - 1]) {
    next_step_ = optimal_step_[k] * cost_[best + 1] / cost_[k];
  } else {
    next_step_ = optimal_step_[k] * cost_[best] / cost_[k];
  }
  target_column_ = best;
}

}  // namespace scidl::sci
