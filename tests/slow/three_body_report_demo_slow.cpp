// The README's main job end to end: `scidl demo` generates three-body runs, trains the Breen et
// al. network and writes the report with its figures into the named folder (a smaller default
// here: 60 runs, 3 epochs, a 100-point ring; the full default is measured by hand).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "../test_util.h"

namespace {

namespace fs = std::filesystem;

TEST(ThreeBodyDemo, RunsThePipelineAndLeavesTheReportInItsFolder) {
  scidl::testing::TempDir dir("three_body_demo");
  const fs::path out = dir.path / "demo";
  const auto r = scidl::testing::run_cli("demo --out " + out.string() +
                                         " --runs 60 --epochs 3 --ring-points 100");
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find((out / "report" / "report.md").string()), std::string::npos) << r.output;
  for (const char* f : {"data/runs.csv", "train/best.scidl", "train/history.csv",
                        "report/report.md", "report/fig3_mae.png", "report/fig4_trajectories.png",
                        "report/fig5_ring.png", "report/energy_error.png", "report/fig5_ring.csv"})
    EXPECT_TRUE(fs::exists(out / f)) << f;
  std::ifstream in(out / "report" / "report.md");
  std::stringstream md;
  md << in.rdbuf();
  EXPECT_NE(md.str().find("3 epochs"), std::string::npos) << md.str();
  // A second demo reuses the generated runs.
  const auto again = scidl::testing::run_cli("demo --out " + out.string() +
                                             " --runs 60 --epochs 1 --ring-points 10");
  ASSERT_EQ(again.status, 0) << again.output;
  EXPECT_NE(again.output.find("60 reused"), std::string::npos) << again.output;
}

}  // namespace
