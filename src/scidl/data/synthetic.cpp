#include "scidl/data/synthetic.h"

#include <cmath>

namespace scidl::data {

Dataset damped_oscillator_dataset(int64_t trajectories, int64_t points, uint64_t seed,
                                  DType dtype) {
  if (trajectories < 1 || points < 1)
    throw std::invalid_argument("damped_oscillator: need at least one trajectory and one point");
  Generator gen(seed);
  std::vector<double> x, y;
  std::vector<int64_t> g;
  const double t_max = 10.0;
  for (int64_t k = 0; k < trajectories; ++k) {
    double omega = 0.5 + 1.5 * gen.next_double();
    double gamma = 0.05 + 0.25 * gen.next_double();
    for (int64_t i = 0; i < points; ++i) {
      double t = t_max * static_cast<double>(i) / std::max<int64_t>(points - 1, 1);
      x.insert(x.end(), {t, omega, gamma});
      y.push_back(std::exp(-gamma * t) * std::cos(omega * t));
      g.push_back(k);
    }
  }
  Dataset d;
  int64_t n = trajectories * points;
  d.x = from_vector(x, {n, 3}, dtype);
  d.y = from_vector(y, {n, 1}, dtype);
  d.groups = from_vector(g, {n});
  d.x_names = {"t", "omega", "gamma"};
  d.y_names = {"x"};
  return d;
}

}  // namespace scidl::data
