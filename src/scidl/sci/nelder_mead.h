// Nelder–Mead downhill simplex (Nelder & Mead 1965, with the standard coefficients: reflection
// 1, expansion 2, contraction 1/2, shrink 1/2), for small derivative-free problems such as the
// per-point energy projection of the three-body surrogate.
// Contract: minimises f from `start` with an initial simplex of `start` plus `step[i]` along
// each axis i; stops when the simplex's function values span less than `f_tolerance` or after
// `max_evaluations`; never throws on non-finite values of f (they count as +inf).
#pragma once
#include <functional>
#include <vector>

namespace scidl::sci {

struct NelderMeadOptions {
  double f_tolerance = 1e-14;
  int max_evaluations = 2000;
};

struct NelderMeadResult {
  std::vector<double> x;
  double value = 0;
  int evaluations = 0;
  bool converged = false;  // stopped by the tolerance, not the evaluation cap
};

NelderMeadResult nelder_mead(const std::function<double(const std::vector<double>&)>& f,
                             const std::vector<double>& start, const std::vector<double>& step,
                             const NelderMeadOptions& options = {});

}  // namespace scidl::sci
