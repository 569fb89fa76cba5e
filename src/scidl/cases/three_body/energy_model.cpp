#include "scidl/cases/three_body/energy_model.h"

#include <cmath>
#include <vector>

#include "scidl/cases/three_body/surrogate.h"

namespace scidl::sci {

namespace {

// 8 free coordinates -> the full 12-value state.
void complete_state(const std::vector<double>& free, double* s) {
  for (int i = 0; i < 4; ++i) s[i] = free[i], s[6 + i] = free[4 + i];
  s[4] = -s[0] - s[2];
  s[5] = -s[1] - s[3];
  s[10] = -s[6] - s[8];
  s[11] = -s[7] - s[9];
}

double distance(const std::vector<double>& a, const std::vector<double>& b) {
  double d2 = 0;
  for (size_t i = 0; i < a.size(); ++i) d2 += (a[i] - b[i]) * (a[i] - b[i]);
  return std::sqrt(d2);
}

}  // namespace

ProjectedState project_to_energy(const double* network_state, double initial_energy,
                                 const EnergyProjectionOptions& options) {
  std::vector<double> target(8);
  for (int i = 0; i < 4; ++i) target[i] = network_state[i], target[4 + i] = network_state[6 + i];
  double s[12];
  auto objective = [&](const std::vector<double>& free) {
    complete_state(free, s);
    return relative_energy_error(s, initial_energy) +
           options.distance_weight * distance(free, target);
  };
  std::vector<double> x = target, step(8);
  ProjectedState out;
  for (int round = 0; round <= options.restarts; ++round) {
    const double scale = options.initial_step / (1 << (2 * round));
    for (int i = 0; i < 8; ++i) step[i] = scale * std::max(1.0, std::abs(x[i]));
    const NelderMeadResult r = nelder_mead(objective, x, step, options.nelder_mead);
    out.evaluations += r.evaluations;
    x = r.x;
  }
  complete_state(x, out.state.data());
  out.relative_energy_error = relative_energy_error(out.state.data(), initial_energy);
  out.distance = distance(x, target);
  return out;
}

}  // namespace scidl::sci
