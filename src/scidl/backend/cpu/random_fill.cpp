// Random fills. Values are drawn in element order from one generator, so a seed gives the same
// tensor whatever the thread count.
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
  fill_with(out, [&] { return gen.next_double() < p ? 1.0 : 0.0; });
}

}  // namespace scidl::backend::cpu
