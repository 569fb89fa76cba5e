// scidl automl through the C++ API, as the README shows it: run_automl, then the saved
// predictor read back and applied to a table.
#include <gtest/gtest.h>

#include "../test_util.h"
#include "scidl/scidl.h"

using namespace scidl;

TEST(AutomlApi, FitsThenPredictsThroughTheSavedPredictor) {
  scidl::testing::TempDir dir("automl_api");
  const std::string bikes = "/usr/share/gretl/data/misc/bikesharing.gdt";
  automl::AutomlOptions o{.data = bikes, .target = "cnt", .out = dir.path / "run"};
  o.models = {"LinearModel", "XGBoost"};
  o.exclude = {"casual", "registered"};
  o.verbose = false;
  const auto result = automl::run_automl(o);
  ASSERT_EQ(result.leaderboard.size(), 3u);
  EXPECT_EQ(result.best, result.leaderboard.front().model);
  EXPECT_EQ(result.task, automl::Task::Regression);
  const auto predictor = automl::load_predictor(dir.path / "run");
  EXPECT_EQ(predictor.best, result.best);
  const automl::Predictions p = predictor.predict(automl::read_raw_table(bikes));
  ASSERT_EQ(p.rows, 731);
  ASSERT_EQ(p.cols, 1);
  double mean = 0;
  for (double v : p.values) mean += v / 731;
  EXPECT_GT(mean, 3000);  // cnt averages 4504 over the two years
  EXPECT_LT(mean, 6000);
}
