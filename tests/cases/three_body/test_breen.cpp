// Breen et al. initial conditions: the region, the sampler's determinism and uniformity.
#include <gtest/gtest.h>

#include <cmath>
#include <set>

#include "scidl/cases/three_body/breen.h"

namespace scidl::sci {
namespace {

TEST(BreenInitialConditions, PlaceTheBarycentreAtTheOriginWithAllBodiesAtRest) {
  const NBodyProblem p = breen_problem({-0.25, 0.5});
  ASSERT_EQ(p.masses, (std::vector<double>{1, 1, 1}));
  const std::vector<double>& s = p.initial_state;
  EXPECT_EQ(s[0], 1.0);
  EXPECT_EQ(s[1], 0.0);
  EXPECT_EQ(s[2], -0.25);
  EXPECT_EQ(s[3], 0.5);
  EXPECT_EQ(s[4], -0.75);
  EXPECT_EQ(s[5], -0.5);
  for (int i = 6; i < 12; ++i) EXPECT_EQ(s[i], 0.0);
}

TEST(BreenInitialConditions, RejectPositionsOutsideTheRegionWithAClearMessage) {
  auto message_for = [](double x, double y) {
    try {
      breen_problem({x, y});
    } catch (const std::invalid_argument& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  EXPECT_NE(message_for(0.1, 0.5).find("x must lie in [-0.5, 0]"), std::string::npos);
  EXPECT_NE(message_for(-0.2, 1.2).find("y must lie in [0, 1]"), std::string::npos);
  EXPECT_NE(message_for(-0.45, 0.95).find("exceeds 1"), std::string::npos);
  EXPECT_NE(message_for(std::nan(""), 0.5).find("outside"), std::string::npos);
  EXPECT_EQ(message_for(-0.5, 0.0), "accepted");
  EXPECT_EQ(message_for(0.0, 1.0), "accepted");
}

TEST(BreenInitialConditions, SamplesDependOnlyOnSeedAndRunIndex) {
  const BreenPosition a = sample_breen_position(7, 123);
  sample_breen_position(7, 5);  // no hidden state between calls
  const BreenPosition b = sample_breen_position(7, 123);
  EXPECT_EQ(a.x, b.x);
  EXPECT_EQ(a.y, b.y);
  const BreenPosition other_seed = sample_breen_position(8, 123);
  EXPECT_NE(a.x, other_seed.x);
}

TEST(BreenInitialConditions, SamplesCoverTheRegionUniformly) {
  const int n = 20000;
  int left_half = 0, lower_half = 0;
  std::set<double> distinct;
  for (int k = 0; k < n; ++k) {
    const BreenPosition p = sample_breen_position(1, k);
    ASSERT_TRUE(breen_region_violation(p.x, p.y).empty()) << p.x << ", " << p.y;
    left_half += p.x < -0.25;
    lower_half += p.y < 0.5;
    distinct.insert(p.x);
  }
  EXPECT_EQ(distinct.size(), static_cast<std::size_t>(n));
  // The region is the rectangle minus the corner |x2| > 1 (4.3% of it, all at x < -0.25 and
  // y > 0.5), so a uniform sampler puts 48.3% of points at x < -0.25 and 52.3% at y < 0.5.
  EXPECT_NEAR(left_half / double(n), 0.4834, 0.012);
  EXPECT_NEAR(lower_half / double(n), 0.5227, 0.012);
}

}  // namespace
}  // namespace scidl::sci
