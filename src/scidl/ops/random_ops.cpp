#include "scidl/ops/random_ops.h"

#include "scidl/backend/backend.h"

namespace scidl {

Tensor uniform(const Shape& shape, double low, double high, DType dtype, Generator& gen) {
  Tensor t = empty(shape, dtype);
  backend::backend_of(t).uniform(t, gen, low, high);
  return t;
}
Tensor rand(const Shape& shape, DType dtype, Generator& gen) {
  return uniform(shape, 0, 1, dtype, gen);
}
Tensor normal(const Shape& shape, double mean, double stddev, DType dtype, Generator& gen) {
  Tensor t = empty(shape, dtype);
  backend::backend_of(t).normal(t, gen, mean, stddev);
  return t;
}
Tensor randn(const Shape& shape, DType dtype, Generator& gen) {
  return normal(shape, 0, 1, dtype, gen);
}
Tensor bernoulli(const Shape& shape, double p, DType dtype, Generator& gen) {
  Tensor t = empty(shape, dtype);
  backend::backend_of(t).bernoulli(t, gen, p);
  return t;
}
Tensor randperm(int64_t n, Generator& gen) {
  std::vector<int64_t> v(n);
  for (int64_t i = 0; i < n; ++i) v[i] = i;
  for (int64_t i = n - 1; i > 0; --i) std::swap(v[i], v[gen.next_u64() % (i + 1)]);
  return from_vector(v, {n});
}

}  // namespace scidl
