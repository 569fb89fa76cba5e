// Random tensors from a seeded generator (the default one unless given).
#pragma once
#include "scidl/tensor/random.h"
#include "scidl/tensor/tensor.h"

namespace scidl {

Tensor rand(const Shape& shape, DType dtype = DType::Float32, Generator& gen = default_generator());
Tensor randn(const Shape& shape, DType dtype = DType::Float32,
             Generator& gen = default_generator());
Tensor uniform(const Shape& shape, double low, double high, DType dtype = DType::Float32,
               Generator& gen = default_generator());
Tensor normal(const Shape& shape, double mean, double stddev, DType dtype = DType::Float32,
              Generator& gen = default_generator());
Tensor bernoulli(const Shape& shape, double p, DType dtype = DType::Float32,
                 Generator& gen = default_generator());
// A random permutation of 0..n-1 (int64), Fisher-Yates.
Tensor randperm(int64_t n, Generator& gen = default_generator());

}  // namespace scidl
