#include "scidl/nn/embedding.h"

#include <fmt/format.h>

#include <cmath>

#include "scidl/ops/nn_functional.h"
#include "scidl/ops/random_ops.h"

namespace scidl::nn {

Embedding::Embedding(int64_t num, int64_t dim, DType dtype, Generator& gen) : num_(num), dim_(dim) {
  if (num < 1 || dim < 1)
    throw std::invalid_argument(
        fmt::format("Embedding: needs input_dim and output_dim >= 1, got {} and {}", num, dim));
  weight_ = register_parameter("weight", normal({num, dim}, 0.0, 1.0, dtype, gen));
}

Tensor Embedding::forward(const Tensor& x) {
  Tensor indices = x;
  if (x.dtype() != DType::Int64) {
    // Whole numbers in [0, num): anything else is a mistake in the data, named here.
    const auto values = x.to_vector<double>();
    std::vector<int64_t> idx(values.size());
    for (size_t i = 0; i < values.size(); ++i) {
      const double v = values[i];
      if (!(v >= 0 && v < double(num_) && v == std::floor(v)))
        throw std::invalid_argument(fmt::format(
            "{}: input value {} (element {}) is not an index in [0, {})", describe(), v, i, num_));
      idx[i] = int64_t(v);
    }
    indices = from_vector(idx, x.shape());
  }
  return embedding(indices, weight_);
}

std::string Embedding::describe() const { return fmt::format("Embedding({}, {})", num_, dim_); }

}  // namespace scidl::nn
