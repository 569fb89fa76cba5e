// examples/tune/three_body_search.toml as a user runs it, small: three-body data generated into
// the build folder (never the source tree), then the search (TPE, median stopping) over the
// network's width, depth and learning rate with a few trials of a few epochs.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "../test_util.h"

namespace {

namespace fs = std::filesystem;
using scidl::testing::run_cli;

TEST(TuneExamples, TheThreeBodySearchRunsOnGeneratedData) {
  const fs::path work = fs::path(SCIDL_BUILD_DIR) / "slow_tests" / "three_body_search";
  fs::remove_all(work);
  const auto data = work / "data";
  const auto generated = run_cli(
      "three-body generate --runs 24 --t-max 0.5 --seed 7 --no-progress "
      "--out " +
      data.string());
  ASSERT_EQ(generated.status, 0) << generated.output;
  const std::string example =
      std::string(SCIDL_TEST_DATA) + "/../../examples/tune/three_body_search.toml";
  std::string sets;
  for (const char* table : {"x=train_X", "y=train_Y", "groups=run_id"}) {
    const std::string entry = table;
    const auto eq = entry.find('=');
    sets += " --set 'base.data." + entry.substr(0, eq) + "=\"" +
            (data / (entry.substr(eq + 1) + ".csv")).string() + "\"'";
  }
  const auto study = work / "study";
  const auto r = run_cli("tune " + example + sets +
                         " --set num_samples=8 --set base.training.epochs=4"
                         " --set base.training.batch_size=256"
                         " --out " +
                         study.string());
  ASSERT_EQ(r.status, 0) << r.output;
  std::ifstream in(study / "leaderboard.csv");
  std::stringstream csv;
  csv << in.rdbuf();
  EXPECT_NE(csv.str().find("model.layers[0].repeat"), std::string::npos) << csv.str();
  int rows = 0;
  for (std::string line; std::getline(csv, line);) rows += !line.empty();
  EXPECT_EQ(rows, 1 + 8) << csv.str();
  EXPECT_EQ(csv.str().find("failed"), std::string::npos) << csv.str();
  for (const char* f : {"best_model.scidl", "best_config.toml", "curves.svg", "leaderboard.md"})
    EXPECT_TRUE(fs::exists(study / f)) << f;
  EXPECT_EQ(r.output.find('\x1b'), std::string::npos) << "not a terminal: no redrawn table";
}

}  // namespace
