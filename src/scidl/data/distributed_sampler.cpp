#include "scidl/data/distributed_sampler.h"

#include <fmt/format.h>

#include <stdexcept>

#include "scidl/ops/random_ops.h"

namespace scidl::data {

Tensor distributed_shard(int64_t n, int rank, int size, uint64_t seed, int epoch, bool shuffle) {
  if (n < 1 || size < 1 || rank < 0 || rank >= size)
    throw std::invalid_argument(
        fmt::format("distributed_shard: {} rows, rank {} of {}: needs rows and 0 <= rank < size", n,
                    rank, size));
  std::vector<int64_t> rows(static_cast<size_t>(n));
  if (shuffle) {
    Generator gen(seed + static_cast<uint64_t>(epoch));
    const Tensor order = randperm(n, gen);
    const int64_t* p = order.data<int64_t>();
    rows.assign(p, p + n);
  } else {
    for (int64_t i = 0; i < n; ++i) rows[size_t(i)] = i;
  }
  const int64_t per_rank = (n + size - 1) / size;
  Tensor shard = empty({per_rank}, DType::Int64);
  int64_t* out = shard.data<int64_t>();
  for (int64_t k = 0; k < per_rank; ++k)  // position rank + k*size of the padded list
    out[k] = rows[size_t((rank + k * size) % n)];
  return shard;
}

}  // namespace scidl::data
