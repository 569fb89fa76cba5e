// oneDNN's primitives (and the blocked copies of activations they hold) are cached per shape
// within a budget: a run meeting many shapes (a tuner, evaluation batches, a notebook) keeps at
// most the budget's primitives and bytes, evicting the least recently used; an evicted shape
// comes back with the same results; a shape in use is never thrown away mid-call.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "scidl/backend/cpu/conv_onednn.h"

namespace scidl::testing {
namespace {

using backend::cpu::onednn::ConvDims;
namespace onednn = backend::cpu::onednn;

// 3x3, stride 1, no padding: out = in - 2. 16 output channels, so oneDNN's output is blocked
// (nChw16c) and the entry holds a buffer.
ConvDims dims(int64_t batch) { return {batch, 3, 10, 10, 16, 8, 8, {3, 3, 1, 1, 0, 0, 1, 1}}; }

std::vector<float> reference_conv(const ConvDims& d, const std::vector<float>& x,
                                  const std::vector<float>& w) {
  std::vector<float> y(size_t(d.batch * d.c_out * d.out_height * d.out_width), 0.0f);
  for (int64_t n = 0; n < d.batch; ++n)
    for (int64_t o = 0; o < d.c_out; ++o)
      for (int64_t i = 0; i < d.out_height; ++i)
        for (int64_t j = 0; j < d.out_width; ++j) {
          double s = 0;
          for (int64_t c = 0; c < d.c_in; ++c)
            for (int64_t a = 0; a < 3; ++a)
              for (int64_t b = 0; b < 3; ++b)
                s += double(x[((n * d.c_in + c) * d.height + i + a) * d.width + j + b]) *
                     w[((o * d.c_in + c) * 3 + a) * 3 + b];
          y[((n * d.c_out + o) * d.out_height + i) * d.out_width + j] = float(s);
        }
  return y;
}

struct Budget {  // restores the default budget and switch whatever the test does
  ~Budget() {
    onednn::set_cache_budget(onednn::kCachePrimitives, onednn::kCacheBytes);
    onednn::set_enabled(true);
  }
};

TEST(OneDnnCache, KeepsWithinItsBudgetAndRebuildsWhatItEvicted) {
  if (!onednn::compiled_in()) GTEST_SKIP() << "scidl built without oneDNN (libdnnl-dev)";
  Budget restore;
  onednn::set_enabled(true);
  std::mt19937 rng(5);
  std::normal_distribution<float> normal;
  std::vector<float> w(16 * 3 * 9);
  for (auto& v : w) v = normal(rng);
  auto forward = [&](int64_t batch) {
    const ConvDims d = dims(batch);
    std::vector<float> x(size_t(batch * 3 * 100)), y(size_t(batch * 16 * 64));
    for (auto& v : x) v = normal(rng);
    EXPECT_TRUE(onednn::conv2d_forward(d, x.data(), w.data(), nullptr, y.data(), false));
    const auto want = reference_conv(d, x, w);
    for (size_t i = 0; i < y.size(); ++i) ASSERT_NEAR(y[i], want[i], 1e-4f) << "batch " << batch;
  };

  onednn::set_cache_budget(0, 0);  // empty: other tests ran convolutions on this thread
  EXPECT_EQ(onednn::cached_primitives(), 0u);
  onednn::set_cache_budget(onednn::kCachePrimitives, onednn::kCacheBytes);
  forward(1);
  const std::size_t one = onednn::cached_bytes();  // the batch-1 entry's blocked buffers
  ASSERT_GT(one, 0u);
  // At most 3 primitives: ten shapes leave the three most recent.
  onednn::set_cache_budget(3, onednn::kCacheBytes);
  EXPECT_EQ(onednn::cached_primitives(), 1u);
  for (int64_t batch = 2; batch <= 11; ++batch) {
    forward(batch);
    EXPECT_LE(onednn::cached_primitives(), 3u);
  }
  EXPECT_EQ(onednn::cached_primitives(), 3u);
  forward(1);  // evicted long ago: rebuilt, and right
  EXPECT_EQ(onednn::cached_primitives(), 3u);

  // A byte budget of four batch-1 entries: batches 1..4 need ten, so older ones go.
  onednn::set_cache_budget(onednn::kCachePrimitives, 4 * one);
  EXPECT_LE(onednn::cached_bytes(), 4 * one);
  for (int64_t batch : {1, 2, 3, 4, 1, 2}) {
    forward(batch);
    EXPECT_LE(onednn::cached_bytes(), 4 * one) << "after batch " << batch;
    EXPECT_GE(onednn::cached_primitives(), 1u);
  }
  // A budget below one entry still keeps the entry in use (the call runs on it).
  onednn::set_cache_budget(onednn::kCachePrimitives, 0);
  forward(5);
  EXPECT_EQ(onednn::cached_primitives(), 1u);
}

}  // namespace
}  // namespace scidl::testing
