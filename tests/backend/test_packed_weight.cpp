// A weight packed once by oneDNN (backend/cpu/packed_weight.h) gives the plain product for
// either orientation, beta 0 and 1, row counts other than the one it was packed for, strided
// rows, inside an OpenMP team and outside; and is not packed when oneDNN is off.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <omp.h>

#include <cmath>
#include <random>
#include <vector>

#include "../test_util.h"
#include "scidl/backend/cpu/conv_onednn.h"
#include "scidl/backend/cpu/packed_weight.h"

namespace scidl::testing {
namespace {

namespace onednn = backend::cpu::onednn;

std::vector<float> random_values(size_t n, unsigned seed) {
  std::mt19937 gen(seed);
  std::uniform_real_distribution<float> u(-1.0f, 1.0f);
  std::vector<float> v(n);
  for (auto& x : v) x = u(gen);
  return v;
}

// c [m, n] at ldc = a [m, k] at lda times w^T of [n, k] (transposed) or w [k, n], plus beta c.
std::vector<float> reference(int64_t m, int64_t k, int64_t n, bool transposed,
                             const std::vector<float>& a, int64_t lda, const std::vector<float>& w,
                             float beta, std::vector<float> c, int64_t ldc) {
  for (int64_t i = 0; i < m; ++i)
    for (int64_t j = 0; j < n; ++j) {
      double s = 0;
      for (int64_t p = 0; p < k; ++p)
        s += double(a[size_t(i * lda + p)]) * w[size_t(transposed ? j * k + p : p * n + j)];
      c[size_t(i * ldc + j)] = float(s + beta * c[size_t(i * ldc + j)]);
    }
  return c;
}

void expect_near_all(const std::vector<float>& got, const std::vector<float>& want,
                     const std::string& what) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i)
    ASSERT_NEAR(got[i], want[i], 1e-4 * (1 + std::fabs(want[i]))) << what << " at " << i;
}

TEST(PackedWeight, GivesThePlainProductForEveryOrientationBetaAndRowCount) {
  if (!onednn::enabled()) GTEST_SKIP() << "oneDNN is not compiled in or " << kernels_off("onednn");
  const int64_t k = 96, n = 160, lda = k + 5, ldc = n + 3;
  const auto w = random_values(size_t(k * n), 1);
  for (bool transposed : {true, false}) {
    const onednn::PackedWeight packed(w.data(), k, n, transposed, 32);
    ASSERT_TRUE(packed.packed());
    for (int64_t m : {32, 33, 1, 7})
      for (float beta : {0.0f, 1.0f}) {
        const auto a = random_values(size_t(m * lda), 2);
        auto c = random_values(size_t(m * ldc), 3);
        const auto want = reference(m, k, n, transposed, a, lda, w, beta, c, ldc);
        ASSERT_TRUE(packed.multiply(m, a.data(), lda, beta, c.data(), ldc));
        // the padding between rows stays as it was: compare whole buffers
        expect_near_all(c, want, fmt::format("transposed {} m {} beta {}", transposed, m, beta));
      }
  }
}

// As the recurrent layers use it: packed outside a team, each thread multiplies its own rows.
TEST(PackedWeight, EachThreadOfATeamMultipliesItsOwnRows) {
  if (!onednn::enabled()) GTEST_SKIP() << "oneDNN is not compiled in or " << kernels_off("onednn");
  const int64_t m = 65, k = 64, n = 256;
  const auto w = random_values(size_t(k * n), 4), a = random_values(size_t(m * k), 5);
  const onednn::PackedWeight packed(w.data(), k, n, true, 33);
  std::vector<float> c(size_t(m * n), 0.0f);
  int failures = 0;
#pragma omp parallel num_threads(2) reduction(+ : failures)
  {
    const int64_t t = omp_get_thread_num(), threads = omp_get_num_threads();
    const int64_t b0 = m * t / threads, b1 = m * (t + 1) / threads;
    if (!packed.multiply(b1 - b0, a.data() + b0 * k, k, 0.0f, c.data() + b0 * n, n)) ++failures;
  }
  EXPECT_EQ(failures, 0);
  expect_near_all(c, reference(m, k, n, true, a, k, w, 0.0f, std::vector<float>(c.size()), n),
                  "team");
}

TEST(PackedWeight, IsNotPackedWhenOneDnnIsOff) {
  const bool was_on = onednn::enabled();
  onednn::set_enabled(false);
  const auto w = random_values(64 * 64, 6);
  const onednn::PackedWeight packed(w.data(), 64, 64, false, 8);
  onednn::set_enabled(was_on);
  EXPECT_FALSE(packed.packed());
  std::vector<float> a(64, 1.0f), c(64, 0.0f);
  EXPECT_FALSE(packed.multiply(1, a.data(), 64, 0.0f, c.data(), 64));
}

}  // namespace
}  // namespace scidl::testing
