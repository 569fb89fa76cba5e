// Random fills. Values are drawn in element order from one generator, so a seed gives the same
// tensor whatever the thread count.
#include <algorithm>
#include <cmath>

#include "scidl/backend/cpu/cpu_backend.h"
#include "scidl/tensor/random.h"

namespace scidl::backend::cpu {

namespace {
template <typename Draw> void fill_with(const Tensor& out, Draw&& draw) {
  Tensor c = out.is_contiguous() ? out : empty_like(out);
  dispatch_float(c.dtype(), [&]<typename scalar_t>() {
    scalar_t* p = c.data<scalar_t>();
    for (int64_t i = 0, n = c.numel(); i < n; ++i) p[i] = static_cast<scalar_t>(draw());
  });
  if (!out.is_contiguous()) out.copy_(c);
}
}  // namespace

void CpuBackend::uniform(const Tensor& out, Generator& gen, double low, double high) {
  fill_with(out, [&] { return low + (high - low) * gen.next_double(); });
}
void CpuBackend::normal(const Tensor& out, Generator& gen, double mean, double stddev) {
  fill_with(out, [&] { return mean + stddev * gen.next_normal(); });
}
void CpuBackend::bernoulli(const Tensor& out, Generator& gen, double p) {
  // next_double() < p, compared in integers: next_double() is (next_u64() >> 11) * 2^-53 and
  // p * 2^53 is exact, so u < p * 2^53 holds exactly when u < ceil(p * 2^53). Same draws, same
  // mask, without an int-to-double conversion per element (dropout draws one every step).
  const double scaled = std::ceil(std::clamp(p, 0.0, 1.0) * 0x1.0p53);
  const uint64_t threshold = static_cast<uint64_t>(scaled);
  fill_with(out, [&] { return (gen.next_u64() >> 11) < threshold ? 1.0 : 0.0; });
}

}  // namespace scidl::backend::cpu
