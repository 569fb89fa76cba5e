// Which rows each rank of a data-parallel job trains on in an epoch: PyTorch's
// DistributedSampler rule (torch/utils/data/distributed.py, drop_last=False). The rows are
// permuted by a generator seeded with seed + epoch (so every rank draws the same permutation
// without talking to the others), padded by repeating from the start until they divide evenly,
// and rank r takes every size-th row from r: rows[r], rows[r + size], ... Each rank's shard has
// ceil(n / size) rows. Batch k of every rank's shard together are rows[k*B*size, (k+1)*B*size)
// of the permutation: the same rows one rank would train on with batch size B * size.
#pragma once
#include <cstdint>

#include "scidl/tensor/tensor.h"

namespace scidl::data {

// int64 [ceil(n / size)]: the rows of [0, n) rank `rank` of `size` trains on in `epoch`
// (unshuffled: 0, 1, 2, ... before padding and striding).
Tensor distributed_shard(int64_t n, int rank, int size, uint64_t seed, int epoch, bool shuffle);

}  // namespace scidl::data
