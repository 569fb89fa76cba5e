// The ODE examples end to end with their full training (about a minute each on 2 cores): the
// lecture's one-flight LSTM must land its own flight within 1% from 10 points, and the
// pendulum's must follow the integrator longer on the regular release than on the chaotic one.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include "../test_util.h"
#include "scidl/data/csv.h"

namespace {

namespace fs = std::filesystem;
const fs::path kRepo = fs::path(SCIDL_TEST_DATA) / ".." / "..";
using scidl::testing::run_cli;

TEST(OdeExamples, OneFlightLstmLandsItsOwnFlight) {
  scidl::testing::TempDir dir("ode_projectile_example");
  ASSERT_EQ(
      run_cli("ode generate --problem projectile --out " + (dir.path / "f.csv").string()).status,
      0);
  auto train = run_cli(fmt::format("train {} --set data.x={} --set output.dir={}",
                                   (kRepo / "examples/ode/projectile.toml").string(),
                                   (dir.path / "f.csv").string(), (dir.path / "run").string()));
  ASSERT_EQ(train.status, 0) << train.output;
  auto roll =
      run_cli(fmt::format("ode rollout --problem projectile --model {} --out {}",
                          (dir.path / "run/best.scidl").string(), (dir.path / "roll").string()));
  ASSERT_EQ(roll.status, 0) << roll.output;
  const auto s = scidl::data::read_csv(dir.path / "roll/rollouts_summary.csv");
  EXPECT_LT(std::abs(s.at(0, 5)), 0.01 * s.at(0, 3)) << roll.output;
}

TEST(OdeExamples, PendulumHoldsLongerOnTheRegularRelease) {
  scidl::testing::TempDir dir("ode_pendulum_example");
  ASSERT_EQ(run_cli("ode generate --problem double_pendulum --theta1=-120:120:9 "
                    "--theta2=-120:120:9 --out " +
                    (dir.path / "p.csv").string())
                .status,
            0);
  auto train = run_cli(fmt::format("train {} --set data.x={} --set output.dir={}",
                                   (kRepo / "examples/ode/double_pendulum.toml").string(),
                                   (dir.path / "p.csv").string(), (dir.path / "run").string()));
  ASSERT_EQ(train.status, 0) << train.output;
  auto roll =
      run_cli(fmt::format("ode rollout --problem double_pendulum --theta1=-20,-50 "
                          "--theta2 35,140 --model {} --out {}",
                          (dir.path / "run/best.scidl").string(), (dir.path / "roll").string()));
  ASSERT_EQ(roll.status, 0) << roll.output;
  const auto s = scidl::data::read_csv(dir.path / "roll/rollouts_summary.csv");
  // rows: (-20, 35), (-20, 140), (-50, 35), (-50, 140)
  EXPECT_GT(s.at(0, 6), s.at(3, 6)) << roll.output;
}

}  // namespace
