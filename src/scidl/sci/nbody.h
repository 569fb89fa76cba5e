// Planar Newtonian N-body gravity (G = 1, point masses, any N ≥ 2) as a first-order system for
// the integrators, over any scalar type (double or MpReal).
// State layout (used everywhere in sci/): y = [x_1, y_1, ..., x_N, y_N, vx_1, vy_1, ..., vx_N,
// vy_N], so positions are y[0, 2N) and velocities y[2N, 4N).
// Contract: masses are positive; bodies never coincide (a collision is a singularity, and the
// integrator reports it as a failure rather than returning infinities).
#pragma once
#include <cstddef>
#include <vector>

#include "scidl/sci/scalar_ops.h"

namespace scidl::sci {

template <class Scalar>
class PlanarNBody {
 public:
  explicit PlanarNBody(const std::vector<double>& masses) : bodies_(masses.size()) {
    for (double m : masses) masses_.emplace_back(m);
  }

  std::size_t bodies() const { return bodies_; }
  std::size_t dimension() const { return 4 * bodies_; }

  void derivative(const Scalar& /*t*/, const std::vector<Scalar>& y, std::vector<Scalar>& dydt) {
    const std::size_t v = 2 * bodies_;
    for (std::size_t i = 0; i < v; ++i) {
      dydt[i] = y[v + i];
      dydt[v + i] = 0.0;
    }
    for (std::size_t i = 0; i < bodies_; ++i) {
      for (std::size_t j = i + 1; j < bodies_; ++j) {
        dx_ = y[2 * j];
        dx_ -= y[2 * i];
        dy_ = y[2 * j + 1];
        dy_ -= y[2 * i + 1];
        r2_ = dx_;
        r2_ *= dx_;
        tmp_ = dy_;
        tmp_ *= dy_;
        r2_ += tmp_;
        assign_sqrt(inv_r3_, r2_);
        inv_r3_ *= r2_;
        tmp_ = 1.0;
        tmp_ /= inv_r3_;  // 1 / r³
        dx_ *= tmp_;
        dy_ *= tmp_;
        // a_i += m_j (r_j - r_i) / r³ and a_j -= m_i (r_j - r_i) / r³
        tmp_ = dx_;
        tmp_ *= masses_[j];
        dydt[v + 2 * i] += tmp_;
        tmp_ = dy_;
        tmp_ *= masses_[j];
        dydt[v + 2 * i + 1] += tmp_;
        tmp_ = dx_;
        tmp_ *= masses_[i];
        dydt[v + 2 * j] -= tmp_;
        tmp_ = dy_;
        tmp_ *= masses_[i];
        dydt[v + 2 * j + 1] -= tmp_;
      }
    }
  }

  // Kinetic plus potential energy.
  Scalar energy(const std::vector<Scalar>& y) const {
    const std::size_t v = 2 * bodies_;
    Scalar kinetic = 0.0, potential = 0.0;
    for (std::size_t i = 0; i < bodies_; ++i) {
      const Scalar& vx = y[v + 2 * i];
      const Scalar& vy = y[v + 2 * i + 1];
      kinetic += masses_[i] * (vx * vx + vy * vy);
      for (std::size_t j = i + 1; j < bodies_; ++j) {
        const Scalar dx = y[2 * j] - y[2 * i];
        const Scalar dy = y[2 * j + 1] - y[2 * i + 1];
        Scalar r;
        assign_sqrt(r, dx * dx + dy * dy);
        potential += masses_[i] * masses_[j] / r;
      }
    }
    kinetic *= 0.5;
    return kinetic - potential;
  }

  // z-component of the total angular momentum, Σ m (x vy - y vx).
  Scalar angular_momentum(const std::vector<Scalar>& y) const {
    const std::size_t v = 2 * bodies_;
    Scalar total = 0.0;
    for (std::size_t i = 0; i < bodies_; ++i) {
      total += masses_[i] * (y[2 * i] * y[v + 2 * i + 1] - y[2 * i + 1] * y[v + 2 * i]);
    }
    return total;
  }

 private:
  std::size_t bodies_;
  std::vector<Scalar> masses_;
  Scalar dx_, dy_, r2_, inv_r3_, tmp_;  // scratch, so MPFR runs do not allocate per evaluation
};

}  // namespace scidl::sci
