#include "scidl/sci/nelder_mead.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>

namespace scidl::sci {

NelderMeadResult nelder_mead(const std::function<double(const std::vector<double>&)>& f,
                             const std::vector<double>& start, const std::vector<double>& step,
                             const NelderMeadOptions& options) {
  const size_t n = start.size();
  if (step.size() != n)
    throw std::invalid_argument("nelder_mead: step must have one entry per coordinate");
  NelderMeadResult r;
  auto eval = [&](const std::vector<double>& x) {
    ++r.evaluations;
    const double v = f(x);
    return std::isfinite(v) ? v : std::numeric_limits<double>::infinity();
  };
  std::vector<std::vector<double>> simplex(n + 1, start);
  std::vector<double> values(n + 1);
  for (size_t i = 0; i < n; ++i) simplex[i + 1][i] += step[i];
  for (size_t i = 0; i <= n; ++i) values[i] = eval(simplex[i]);
  std::vector<size_t> order(n + 1);
  std::vector<double> centroid(n), trial(n), trial2(n);
  auto along = [&](double t, std::vector<double>& out, const std::vector<double>& worst) {
    for (size_t i = 0; i < n; ++i) out[i] = centroid[i] + t * (worst[i] - centroid[i]);
  };
  while (true) {
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(),
              [&](size_t a, size_t b) { return values[a] < values[b]; });
    const size_t best = order.front(), worst = order.back(), second = order[n - 1];
    if (values[worst] - values[best] <= options.f_tolerance) {
      r.converged = true;
      break;
    }
    if (r.evaluations >= options.max_evaluations) break;
    std::fill(centroid.begin(), centroid.end(), 0.0);
    for (size_t k = 0; k <= n; ++k)
      if (k != worst)
        for (size_t i = 0; i < n; ++i) centroid[i] += simplex[k][i] / static_cast<double>(n);
    along(-1.0, trial, simplex[worst]);  // reflection
    const double reflected = eval(trial);
    if (reflected < values[best]) {
      along(-2.0, trial2, simplex[worst]);  // expansion
      const double expanded = eval(trial2);
      if (expanded < reflected)
        simplex[worst] = trial2, values[worst] = expanded;
      else
        simplex[worst] = trial, values[worst] = reflected;
    } else if (reflected < values[second]) {
      simplex[worst] = trial, values[worst] = reflected;
    } else {
      const bool outside = reflected < values[worst];
      along(outside ? -0.5 : 0.5, trial2, simplex[worst]);  // contraction
      const double contracted = eval(trial2);
      if (contracted < std::min(reflected, values[worst])) {
        simplex[worst] = trial2, values[worst] = contracted;
      } else {  // shrink towards the best vertex
        for (size_t k = 0; k <= n; ++k) {
          if (k == best) continue;
          for (size_t i = 0; i < n; ++i)
            simplex[k][i] = simplex[best][i] + 0.5 * (simplex[k][i] - simplex[best][i]);
          values[k] = eval(simplex[k]);
        }
      }
    }
  }
  const size_t best =
      static_cast<size_t>(std::min_element(values.begin(), values.end()) - values.begin());
  r.x = simplex[best];
  r.value = values[best];
  return r;
}

}  // namespace scidl::sci
