#include "scidl/sci/lyapunov.h"

#include <fmt/format.h>

#include <cmath>
#include <stdexcept>

namespace scidl::sci {

namespace {
// The reference (first n components) and its shadow (last n), one system.
class ShadowPair : public OdeSystem {
 public:
  explicit ShadowPair(OdeSystem& inner) : inner_(inner), n_(inner.dimension()) {
    a_.resize(n_);
    b_.resize(n_);
    da_.resize(n_);
    db_.resize(n_);
  }
  std::size_t dimension() const override { return 2 * n_; }
  void derivative(const double& t, const std::vector<double>& y,
                  std::vector<double>& dydt) override {
    std::copy(y.begin(), y.begin() + n_, a_.begin());
    std::copy(y.begin() + n_, y.end(), b_.begin());
    inner_.derivative(t, a_, da_);
    inner_.derivative(t, b_, db_);
    std::copy(da_.begin(), da_.end(), dydt.begin());
    std::copy(db_.begin(), db_.end(), dydt.begin() + n_);
  }

 private:
  OdeSystem& inner_;
  std::size_t n_;
  std::vector<double> a_, b_, da_, db_;
};

// The separation's length, and the pair with the shadow pulled back to d0 along it.
double renormalise(std::vector<double>& pair, std::size_t n, double d0) {
  double d = 0;
  for (std::size_t i = 0; i < n; ++i) d += (pair[n + i] - pair[i]) * (pair[n + i] - pair[i]);
  d = std::sqrt(d);
  if (!(d > 0) || !std::isfinite(d))
    throw IntegrationFailure(fmt::format(
        "the shadow orbit's separation became {} (it collapsed onto the reference or blew up); "
        "choose a larger separation d0 or a tighter tolerance",
        d));
  for (std::size_t i = 0; i < n; ++i) pair[n + i] = pair[i] + (pair[n + i] - pair[i]) * (d0 / d);
  return d;
}
}  // namespace

void LyapunovSettings::validate() const {
  auto positive = [](double v, const char* name) {
    if (!(v > 0) || !std::isfinite(v))
      throw std::invalid_argument(fmt::format("lyapunov: {} must be positive, got {}", name, v));
  };
  if (!(transient >= 0) || !std::isfinite(transient))
    throw std::invalid_argument(
        fmt::format("lyapunov: the transient must be zero or positive, got {}", transient));
  positive(duration, "the duration");
  positive(renormalise_interval, "the renormalisation interval");
  positive(separation, "the separation d0");
  if (separation > 1e-3)
    throw std::invalid_argument(fmt::format(
        "lyapunov: a separation d0 of {} is not small: the shadow orbit must stay in the "
        "linear regime (1e-8 is usual)",
        separation));
  if (renormalise_interval > duration)
    throw std::invalid_argument(
        fmt::format("lyapunov: the renormalisation interval {} is longer than the duration {}",
                    renormalise_interval, duration));
}

LyapunovEstimate largest_lyapunov_exponent(OdeSystem& system, const std::vector<double>& y0,
                                           const LyapunovSettings& s,
                                           const std::function<void(double, double)>& progress) {
  s.validate();
  const std::size_t n = system.dimension();
  if (y0.size() != n)
    throw std::invalid_argument(
        fmt::format("lyapunov: initial state has {} components, the system {}", y0.size(), n));
  // The first displacement along (1, 1, ..., 1): the transient turns it into the unstable one.
  std::vector<double> pair(2 * n);
  for (std::size_t i = 0; i < n; ++i) {
    pair[i] = y0[i];
    pair[n + i] = y0[i] + s.separation / std::sqrt(static_cast<double>(n));
  }
  ShadowPair shadow(system);
  DormandPrince rk(shadow, s.method, s.integrator, 0.0, pair);
  LyapunovEstimate out;
  const double total = s.transient + s.duration;
  double sum_log = 0, counted = 0;
  const auto intervals = static_cast<long>(std::ceil(total / s.renormalise_interval - 1e-9));
  for (long k = 1; k <= intervals; ++k) {
    const double t_next = std::min(total, k * s.renormalise_interval);
    rk.advance(t_next);
    pair = rk.y();
    const double d1 = renormalise(pair, n, s.separation);
    rk.reset_state(pair);
    const double start = static_cast<double>(k - 1) * s.renormalise_interval;
    if (start >= s.transient - 1e-12) {  // an interval wholly after the transient counts
      sum_log += std::log(d1 / s.separation);
      counted += t_next - start;
      out.times.push_back(counted);
      out.running.push_back(sum_log / counted);
      ++out.renormalisations;
    }
    if (progress) progress(t_next, total);
  }
  out.exponent = counted > 0 ? sum_log / counted : 0;
  out.stats = rk.stats();
  return out;
}

}  // namespace scidl::sci
