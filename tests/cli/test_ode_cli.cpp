// `scidl ode` end to end on small data: trajectories from the integrator, an LSTM trained on
// their windows (the examples' configs, a few epochs), its roll-outs and the chaos map; and the
// bad inputs: parameters out of range, a model from another problem, too short a trajectory.
#include <fmt/format.h>

#include "../test_util.h"
#include "scidl/data/csv.h"
#include "scidl/nn/model_io.h"
#include "scidl/nn/model_spec.h"

namespace scidl::testing {
namespace {

const std::filesystem::path kRepo = std::filesystem::path(SCIDL_TEST_DATA) / ".." / "..";

TEST(OdeCli, GenerateWritesOneTrajectoryPerCombinationAndStopsAtTheGround) {
  TempDir dir("ode_generate");
  const auto out = dir.path / "flights.csv";
  auto r =
      run_cli(fmt::format("ode generate --problem projectile --speed 300,500 --angle 30:60:3 "
                          "--out {}",
                          out.string()));
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("trajectory 5: speed 500 m/s, angle 60 deg"), std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("lands at x = "), std::string::npos);
  const auto t = data::read_csv(out);
  EXPECT_EQ(t.column_names, (std::vector<std::string>{"trajectory", "t", "x", "y", "vx", "vy"}));
  EXPECT_EQ(t.at(t.rows - 1, 0), 5);
  for (int64_t i = 0; i < t.rows; ++i) EXPECT_GE(t.at(i, 3), 0) << "below the ground, row " << i;
}

TEST(OdeCli, LyapunovOfLorenzIsNearItsKnownValue) {
  auto r = run_cli("ode lyapunov --problem lorenz --transient 20 --time 300");
  ASSERT_EQ(r.status, 0) << r.output;
  const auto at = r.output.find("largest Lyapunov exponent ");
  ASSERT_NE(at, std::string::npos) << r.output;
  EXPECT_NEAR(std::stod(r.output.substr(at + 26)), 0.906, 0.04) << r.output;
}

TEST(OdeCli, BadParametersAreNamedBeforeAnyWork) {
  TempDir dir("ode_bad");
  auto r = run_cli(fmt::format("ode generate --problem double_pendulum --m1 -2 --out {}",
                               (dir.path / "x.csv").string()));
  EXPECT_NE(r.status, 0);
  EXPECT_NE(r.output.find("--m1: Value -2 not in range"), std::string::npos) << r.output;
  EXPECT_FALSE(std::filesystem::exists(dir.path / "x.csv"));
  r = run_cli("ode generate --problem projectile --drag=-1 --out x.csv");
  EXPECT_NE(r.output.find("--drag: Value -1 not in range"), std::string::npos) << r.output;
  r = run_cli("ode generate --problem projectile --angle 30:60:0 --out x.csv");
  EXPECT_NE(r.output.find("number of points"), std::string::npos) << r.output;
  r = run_cli("ode lyapunov --problem lorenz --rtol 1e-30");
  EXPECT_NE(r.status, 0);
  EXPECT_NE(r.output.find("below what double precision can reach"), std::string::npos) << r.output;
  r = run_cli("ode generate --problem pendulum --out x.csv");
  EXPECT_NE(r.output.find("choose projectile, double_pendulum or lorenz"), std::string::npos)
      << r.output;
}

// Train the pendulum example for a few epochs on a few releases, then roll out and map.
TEST(OdeCli, PendulumTrainsRollsOutAndMapsWhereChaosWins) {
  TempDir dir("ode_pendulum");
  const auto data = dir.path / "releases.csv";
  auto gen =
      run_cli(fmt::format("ode generate --problem double_pendulum --theta1=-40,40 "
                          "--theta2=-40,40 --duration 4 --out {}",
                          data.string()));
  ASSERT_EQ(gen.status, 0) << gen.output;
  const auto run = dir.path / "run";
  auto train = run_cli(fmt::format(
      "train {} --set data.x={} --set training.epochs=2 --set output.dir={}",
      (kRepo / "examples/ode/double_pendulum.toml").string(), data.string(), run.string()));
  ASSERT_EQ(train.status, 0) << train.output;
  const auto model = run / "best.scidl";
  auto roll =
      run_cli(fmt::format("ode rollout --problem double_pendulum --theta1=-20 --theta2 35 "
                          "--duration 3 --model {} --out {}",
                          model.string(), (dir.path / "roll").string()));
  ASSERT_EQ(roll.status, 0) << roll.output;
  EXPECT_NE(roll.output.find("theta1 -20 deg, theta2 35 deg: the network"), std::string::npos)
      << roll.output;
  for (const char* f : {"rollouts.csv", "rollouts_summary.csv", "rollouts.png", "rollouts.svg"})
    EXPECT_TRUE(std::filesystem::exists(dir.path / "roll" / f)) << f;
  const auto paths = data::read_csv(dir.path / "roll" / "rollouts.csv");
  EXPECT_EQ(paths.rows, 61);  // 3 s every 0.05 s
  EXPECT_EQ(paths.column_names.back(), "predicted_y2");
  auto report =
      run_cli(fmt::format("ode report --problem double_pendulum --duration 3 "
                          "--grid-theta1=-60:60:3 --grid-theta2 0,90 --model {} --out {}",
                          model.string(), (dir.path / "report").string()));
  ASSERT_EQ(report.status, 0) << report.output;
  EXPECT_NE(report.output.find("chaos map: 6 releases"), std::string::npos) << report.output;
  const auto map = data::read_csv(dir.path / "report" / "chaos_map.csv");
  EXPECT_EQ(map.rows, 6);
  EXPECT_EQ(map.column_names[5], "departure_in_lyapunov_times");
  for (int64_t i = 0; i < map.rows; ++i) EXPECT_GT(map.at(i, 4), 0.45);  // after the seed
  EXPECT_TRUE(std::filesystem::exists(dir.path / "report" / "chaos_map.png"));
  EXPECT_TRUE(std::filesystem::exists(dir.path / "report" / "releases.svg"));

  // The pendulum's model on the projectile: the columns do not fit, said plainly.
  auto wrong = run_cli(fmt::format("ode rollout --problem projectile --model {} --out {}",
                                   model.string(), (dir.path / "wrong").string()));
  EXPECT_NE(wrong.status, 0);
  EXPECT_NE(wrong.output.find("reads the columns [\"x1\", \"y1\", \"x2\", \"y2\"]"),
            std::string::npos)
      << wrong.output;
  auto short_run =
      run_cli(fmt::format("ode rollout --problem double_pendulum --duration 0.2 "
                          "--model {} --out {}",
                          model.string(), (dir.path / "short").string()));
  EXPECT_NE(short_run.output.find("fewer than the model's window of 10"), std::string::npos)
      << short_run.output;
}

TEST(OdeCli, ProjectileReportScoresLandingPoints) {
  TempDir dir("ode_projectile");
  const auto data = dir.path / "flight.csv";
  ASSERT_EQ(
      run_cli(fmt::format("ode generate --problem projectile --out {}", data.string())).status, 0);
  const auto run = dir.path / "run";
  auto train = run_cli(
      fmt::format("train {} --set data.x={} --set training.epochs=3 --set output.dir={}",
                  (kRepo / "examples/ode/projectile.toml").string(), data.string(), run.string()));
  ASSERT_EQ(train.status, 0) << train.output;
  auto report = run_cli(fmt::format("ode report --problem projectile --model {} --out {}",
                                    (run / "best.scidl").string(), (dir.path / "rep").string()));
  ASSERT_EQ(report.status, 0) << report.output;
  EXPECT_NE(report.output.find("speed 500 m/s, angle 30 deg: lands at x = 9672.0 m"),
            std::string::npos)
      << report.output;
  const auto summary = data::read_csv(dir.path / "rep" / "angles_summary.csv");
  EXPECT_EQ(summary.rows, 6);
  EXPECT_EQ(summary.column_names[3], "true_landing_x_m");
}

TEST(OdeCli, AModelNotTrainedOnWindowsIsRefusedNamingTheFile) {
  TempDir dir("ode_not_windows");
  const nlohmann::json spec = {{"inputs", 2}, {"layers", {{{"type", "dense"}, {"units", 2}}}}};
  const auto model = dir.path / "dense.scidl";
  io::save_model(model, *nn::build_model(spec, 0), spec);
  auto r = run_cli(fmt::format("ode rollout --problem projectile --model {} --out {}",
                               model.string(), (dir.path / "out").string()));
  EXPECT_NE(r.status, 0);
  EXPECT_NE(r.output.find("dense.scidl' was not trained on windows"), std::string::npos)
      << r.output;
}

}  // namespace
}  // namespace scidl::testing
