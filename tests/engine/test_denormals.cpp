// Training flushes subnormal floats to zero (backend/cpu/denormals.h): arithmetic on them costs
// a ~100-cycle microcode assist each, which made real training's SGD update 4x slower than on
// random data. Outside the scope IEEE gradual underflow is back, on every thread.
#include <gtest/gtest.h>
#include <omp.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "scidl/backend/cpu/denormals.h"

namespace scidl::testing {
namespace {

namespace cpu = backend::cpu;

// 1e-30 * 1e-10 = 1e-40 is subnormal in float: zero when flushed.
bool flushed_here() {
  volatile float a = 1e-30f, b = 1e-10f;
  return cpu::flushes_denormals() && a * b == 0.0f;
}

// Whether every thread of the pool (the calling one included) flushes.
std::vector<int> flushed_on_each_thread() {
  std::vector<int> flushed(size_t(omp_get_max_threads()), -1);
#pragma omp parallel
  flushed[size_t(omp_get_thread_num())] = flushed_here();
  return flushed;
}

TEST(Denormals, FlushedInsideTheScopeOnEveryThreadAndRestoredAfter) {
  const char* off = std::getenv("SCIDL_FLUSH_DENORMALS");
  if (off && std::string(off) == "0") GTEST_SKIP() << "SCIDL_FLUSH_DENORMALS=0";
  const std::vector<int> none(size_t(omp_get_max_threads()), 0),
      all(size_t(omp_get_max_threads()), 1);
  EXPECT_EQ(flushed_on_each_thread(), none);
  {
    cpu::FlushDenormalsScope outer;
    EXPECT_TRUE(flushed_here());
    EXPECT_EQ(flushed_on_each_thread(), all);
    {
      cpu::FlushDenormalsScope inner;  // nested: leaves the mode to the outer one
    }
    EXPECT_EQ(flushed_on_each_thread(), all);
  }
  EXPECT_FALSE(flushed_here());
  EXPECT_EQ(flushed_on_each_thread(), none);
}

}  // namespace
}  // namespace scidl::testing
