// DistributedSampler's rule: padded by repeating from the start, every size-th row, the same
// permutation on every rank for an epoch, and batch k of the ranks together the k-th block of
// the permutation (what makes N ranks at batch B/N one rank at batch B).
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "scidl/data/distributed_sampler.h"

namespace scidl::data {
namespace {

std::vector<int64_t> rows(const Tensor& t) { return t.to_vector<int64_t>(); }

TEST(DistributedShard, UnshuffledRowsArePaddedFromTheStartAndStrided) {
  // PyTorch: indices 0..4, padded to 6 with [0], rank r takes indices[r::2].
  EXPECT_EQ(rows(distributed_shard(5, 0, 2, 0, 0, false)), (std::vector<int64_t>{0, 2, 4}));
  EXPECT_EQ(rows(distributed_shard(5, 1, 2, 0, 0, false)), (std::vector<int64_t>{1, 3, 0}));
  // Padding longer than the data repeats it: 2 rows over 5 ranks.
  EXPECT_EQ(rows(distributed_shard(2, 4, 5, 0, 0, false)), (std::vector<int64_t>{0}));
  EXPECT_EQ(rows(distributed_shard(2, 3, 5, 0, 0, false)), (std::vector<int64_t>{1}));
}

TEST(DistributedShard, TheRanksCoverEveryRowOnceWhenTheyDivideIt) {
  for (int epoch : {0, 1}) {
    std::multiset<int64_t> seen;
    for (int r = 0; r < 4; ++r)
      for (int64_t i : rows(distributed_shard(12, r, 4, 9, epoch, true))) seen.insert(i);
    EXPECT_EQ(seen.size(), 12u);
    for (int64_t i = 0; i < 12; ++i) EXPECT_EQ(seen.count(i), 1u) << i;
  }
}

TEST(DistributedShard, BatchKOfTheRanksIsBlockKOfOneRanksOrder) {
  const int64_t n = 24, ranks = 2, batch = 3;  // one rank: batch 6
  const auto alone = rows(distributed_shard(n, 0, 1, 5, 2, true));
  const auto r0 = rows(distributed_shard(n, 0, 2, 5, 2, true));
  const auto r1 = rows(distributed_shard(n, 1, 2, 5, 2, true));
  for (int64_t k = 0; k < n / (batch * ranks); ++k) {
    std::set<int64_t> job(r0.begin() + k * batch, r0.begin() + (k + 1) * batch);
    job.insert(r1.begin() + k * batch, r1.begin() + (k + 1) * batch);
    std::set<int64_t> one(alone.begin() + k * batch * ranks,
                          alone.begin() + (k + 1) * batch * ranks);
    EXPECT_EQ(job, one) << "batch " << k;
  }
}

TEST(DistributedShard, EachEpochHasItsOwnOrderFromSeedPlusEpoch) {
  EXPECT_NE(rows(distributed_shard(50, 0, 1, 5, 0, true)),
            rows(distributed_shard(50, 0, 1, 5, 1, true)));
  // seed + epoch: seed 5 at epoch 1 is seed 6 at epoch 0.
  EXPECT_EQ(rows(distributed_shard(50, 0, 1, 5, 1, true)),
            rows(distributed_shard(50, 0, 1, 6, 0, true)));
}

TEST(DistributedShard, BadArgumentsAreRefused) {
  EXPECT_THROW(distributed_shard(0, 0, 1, 0, 0, true), std::invalid_argument);
  EXPECT_THROW(distributed_shard(5, 2, 2, 0, 0, true), std::invalid_argument);
}

}  // namespace
}  // namespace scidl::data
