// Rows the tree tests of automl (extra trees, boosted oblivious trees) learn from: a smooth
// function of two features and a third that is noise, as values or as the sign's class.
#pragma once
#include <cmath>
#include <cstdint>
#include <vector>

#include "scidl/tensor/random.h"

namespace tree_rows {

struct Rows {
  std::vector<float> x;  // [n, f] row-major
  std::vector<double> y;
  int64_t n = 0, f = 0;
};

inline double uniform(scidl::Generator& g) { return double(g.next_u64() >> 11) * 0x1.0p-53; }

// y = sin(3 x0) + x1 (x2 is noise the trees should learn to ignore), or its sign as a class.
inline Rows smooth(int64_t n, uint64_t seed, bool classes = false) {
  scidl::Generator g(seed);
  Rows r{{}, {}, n, 3};
  for (int64_t i = 0; i < n; ++i) {
    const double a = uniform(g) * 2 - 1, b = uniform(g) * 2 - 1, c = uniform(g);
    r.x.insert(r.x.end(), {float(a), float(b), float(c)});
    const double v = std::sin(3 * a) + b;
    r.y.push_back(classes ? double(v > 0) : v);
  }
  return r;
}

inline double rmse(const std::vector<double>& p, const std::vector<double>& y) {
  double s = 0;
  for (size_t i = 0; i < y.size(); ++i) s += (p[i] - y[i]) * (p[i] - y[i]);
  return std::sqrt(s / double(y.size()));
}

}  // namespace tree_rows
