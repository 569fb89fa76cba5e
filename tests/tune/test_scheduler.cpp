#include <gtest/gtest.h>

#include <cmath>

#include "scidl/tune/scheduler.h"

using namespace scidl::tune;

TEST(Asha, RungsAreRaysForItsDefaultsAndThePyTorchTutorial) {
  EXPECT_EQ(asha_milestones({100, 1, 4}), (std::vector<int>{64, 16, 4, 1}));
  EXPECT_EQ(asha_milestones({10, 1, 2}), (std::vector<int>{8, 4, 2, 1}));
}

TEST(Asha, StopsATrialBelowTheTopQuarterAtARungAndRecordsItAnyway) {
  auto asha = make_scheduler("asha", /*minimize=*/true, {16, 1, 4}, {});
  EXPECT_FALSE(asha->on_result(0, 1, 1.0).stop);  // the first at a rung always continues
  const auto worse = asha->on_result(1, 1, 2.0);  // cutoff: the 75th percentile of {-1}
  EXPECT_TRUE(worse.stop);
  EXPECT_EQ(worse.reason, "asha rung 1");
  // Recorded {-1, -2}: the 75th percentile is -1.25; -0.5 is above it (better).
  EXPECT_FALSE(asha->on_result(2, 1, 0.5).stop);
  // -1.2 is below the 75th percentile of {-1, -2, -0.5} (-0.75): stopped.
  EXPECT_TRUE(asha->on_result(3, 1, 1.2).stop);
  // A trial is judged once per rung: epoch 2 and 3 of trial 2 reach no new rung.
  EXPECT_FALSE(asha->on_result(2, 2, 9.0).stop);
  EXPECT_FALSE(asha->on_result(2, 3, 9.0).stop);
  EXPECT_FALSE(asha->on_result(2, 4, 0.4).stop);  // the first at rung 4
  EXPECT_TRUE(asha->on_result(2, 16, 0.1).stop);  // max_t
}

TEST(Asha, MaximisingComparesTheOtherWay) {
  auto asha = make_scheduler("asha", /*minimize=*/false, {16, 1, 4}, {});
  EXPECT_FALSE(asha->on_result(0, 1, 0.5).stop);
  EXPECT_FALSE(asha->on_result(1, 1, 0.9).stop);
  EXPECT_TRUE(asha->on_result(2, 1, 0.4).stop);
}

TEST(Median, WaitsForFiveCompletedTrialsThenStopsTheWorseThanMedian) {
  auto median = make_scheduler("median", true, {}, {});
  for (int64_t t = 0; t < 5; ++t) {
    for (int e = 1; e <= 3; ++e) EXPECT_FALSE(median->on_result(t, e, 1.0 + t).stop);
    if (t < 4) {
      EXPECT_FALSE(median->on_result(5, 1, 100.0).stop);  // too few completed yet
    }
    median->on_complete(t);
  }
  // Completed values at epoch 2: 1..5, median 3. A best of 2.5 continues, 3.5 stops.
  EXPECT_FALSE(median->on_result(6, 2, 2.5).stop);
  const auto d = median->on_result(7, 2, 3.5);
  EXPECT_TRUE(d.stop);
  EXPECT_EQ(d.reason, "median at epoch 2");
  // Its best so far counts, not its latest value.
  EXPECT_FALSE(median->on_result(6, 3, 50.0).stop);
}

TEST(NanPercentile, InterpolatesLinearlyAndIgnoresNan) {
  EXPECT_DOUBLE_EQ(nan_percentile({1, 2, 3, 4}, 75), 3.25);
  EXPECT_DOUBLE_EQ(nan_percentile({1, std::nan(""), 3}, 50), 2);
  EXPECT_TRUE(std::isnan(nan_percentile({}, 50)));
}
