// scidl automl through the C++ API, as the README shows it: run_automl, then the saved
// predictor read back and applied to a table.
#include <gtest/gtest.h>

#include "../test_util.h"
#include "scidl/automl/automl_reports.h"
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

// Repeated bagging (--bag-sets, AutoGluon's num_bag_sets): every set's fold models are saved and
// predict, and a row's out-of-fold prediction is the mean over the sets, so the bagged trees are
// judged closer to how they predict (the mean of all their fold models).
TEST(AutomlApi, RepeatedBaggingKeepsEverySetAndAveragesTheOutOfFoldPredictions) {
  scidl::testing::TempDir dir("automl_bag_sets");
  const std::string bikes = "/usr/share/gretl/data/misc/bikesharing.gdt";
  auto fit = [&](int sets) {
    automl::AutomlOptions o{.data = bikes, .target = "cnt", .preset = "best", .bag_sets = sets};
    o.out = dir.path / ("sets" + std::to_string(sets));
    o.models = {"XGBoost"};
    o.exclude = {"casual", "registered"};
    o.verbose = false;
    const auto result = automl::run_automl(o);
    for (const auto& row : result.leaderboard)
      if (row.model == "XGBoost") return -row.score_val;
    ADD_FAILURE() << "no XGBoost row";
    return 0.0;
  };
  const double one = fit(1), three = fit(3);
  // One fold model's errors against the mean of three (bike rentals: about 8% lower).
  EXPECT_LT(three, 0.97 * one) << "one set " << one << ", three sets " << three;

  const auto predictor = automl::load_predictor(dir.path / "sets3");
  ASSERT_EQ(predictor.models.size(), 1u);
  const auto& xgb = predictor.models[0];
  ASSERT_EQ(xgb.files.size(), 24u);  // 8 folds (731 rows) in each of 3 sets
  ASSERT_EQ(xgb.folds.size(), 24u);
  for (size_t f = 0; f < 24; ++f)
    EXPECT_EQ(xgb.files[f], "models/XGBoost/fold" + std::to_string(f) + ".xgb.json");
  // The predictor predicts with the mean of all 24 fold models.
  const auto table = automl::read_raw_table(bikes);
  const Tensor x = predictor.encoder.encode(table);
  const automl::Predictions p = predictor.predict(table);
  std::vector<double> mean(p.values.size(), 0.0);
  for (const auto& fold : xgb.folds) {
    const auto part = fold->predict(x);
    for (size_t i = 0; i < mean.size(); ++i) mean[i] += part.values[i] / 24;
  }
  for (size_t i = 0; i < mean.size(); i += 97) EXPECT_NEAR(p.values[i], mean[i], 1e-6 * 9000);
}

// Permutation importance within a time budget (AutoGluon's feature_importance(time_limit=...)):
// fewer shuffles, one at least, when the unshuffled rows' prediction says they would not fit;
// without a budget, all of them.
TEST(AutomlApi, PermutationImportanceTakesFewerShufflesWhenTimeIsShort) {
  scidl::testing::TempDir dir("automl_importance_budget");
  const std::string bikes = "/usr/share/gretl/data/misc/bikesharing.gdt";
  automl::AutomlOptions o{.data = bikes, .target = "cnt", .out = dir.path / "run"};
  o.models = {"LinearModel"};
  o.exclude = {"casual", "registered"};
  o.verbose = false;
  automl::run_automl(o);
  const auto predictor = automl::load_predictor(dir.path / "run");
  const auto table = automl::read_raw_table(bikes);
  automl::JudgedRows rows{table, {}, {}, "all rows"};
  const size_t target = static_cast<size_t>(table.column("cnt", "target"));
  for (const auto& cell : table.cells[target]) rows.y.push_back(std::stod(cell));
  const auto all = automl::permutation_importance(predictor, rows, 5, 1);
  const auto hurried = automl::permutation_importance(predictor, rows, 5, 1, 5000, 1e-9);
  ASSERT_EQ(all.size(), hurried.size());
  for (size_t i = 0; i < all.size(); ++i) {
    EXPECT_EQ(all[i].shuffles, 5);
    EXPECT_EQ(hurried[i].shuffles, 1) << hurried[i].column;
  }
}
