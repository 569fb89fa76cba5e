// The pieces of scidl automl on small hand-made tables: column typing, the feature encoder,
// the metrics, AutoGluon's fold rules and Caruana's greedy ensemble selection.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <set>

#include "scidl/automl/column_types.h"
#include "scidl/automl/ensemble_selection.h"
#include "scidl/automl/eval_metric.h"
#include "scidl/automl/feature_encoder.h"
#include "scidl/automl/folds.h"

using namespace scidl::automl;

namespace {

std::vector<std::string> counting(int n, int from = 1) {
  std::vector<std::string> cells;
  for (int i = 0; i < n; ++i) cells.push_back(std::to_string(from + i));
  return cells;
}

Predictions values(std::vector<double> v) {
  Predictions p;
  p.rows = static_cast<int64_t>(v.size());
  p.cols = 1;
  p.values = std::move(v);
  return p;
}

}  // namespace

TEST(AutomlColumns, NumbersDatesTextAndWhatIsDropped) {
  EXPECT_EQ(infer_column("x", {"1.5", "2", "NA", "-3e2"}).kind, ColumnKind::Numeric);
  EXPECT_EQ(infer_column("x", {"1.5", "2", "NA", "-3e2"}).missing, 1);
  EXPECT_EQ(infer_column("d", {"2011-01-01", "2012-12-31 10:00", ""}).kind, ColumnKind::Date);
  EXPECT_EQ(infer_column("c", {"red", "blue", "red"}).kind, ColumnKind::Categorical);
  const auto constant = infer_column("k", {"7", "7", "?", "7"});
  EXPECT_EQ(constant.kind, ColumnKind::Dropped);
  EXPECT_NE(constant.note.find("constant"), std::string::npos);
  EXPECT_EQ(infer_column("e", {"", "NaN", "null"}).kind, ColumnKind::Dropped);
  const auto rownumber = infer_column("instant", counting(30));
  EXPECT_EQ(rownumber.kind, ColumnKind::Dropped);
  EXPECT_NE(rownumber.note.find("ID-like"), std::string::npos);
  std::vector<std::string> names;
  for (int i = 0; i < 25; ++i) names.push_back("patient" + std::to_string(i * 7));
  EXPECT_EQ(infer_column("id", names).kind, ColumnKind::Dropped);
  // Numbers out of order are a measurement, not a row count.
  auto shuffled = counting(30);
  std::swap(shuffled[3], shuffled[20]);
  EXPECT_EQ(infer_column("n", shuffled).kind, ColumnKind::Numeric);
}

TEST(AutomlColumns, MixedNumbersAndTextAreCategoriesAndTheNoteNamesTheFirstText) {
  const auto mixed = infer_column("dose", {"1", "2", "3", "high", "4"});
  EXPECT_EQ(mixed.kind, ColumnKind::Categorical);
  EXPECT_NE(mixed.note.find("data row 4: 'high'"), std::string::npos) << mixed.note;
}

TEST(AutomlColumns, DatesSplitIntoPartsWithPandasDayOfWeek) {
  int y, m, d, w;
  ASSERT_TRUE(parse_date("2011-01-01", y, m, d, w));
  EXPECT_EQ(y, 2011);
  EXPECT_EQ(m, 1);
  EXPECT_EQ(d, 1);
  EXPECT_EQ(w, 5);  // a Saturday; Monday is 0
  ASSERT_TRUE(parse_date("2012-02-29T08:00", y, m, d, w));
  EXPECT_EQ(w, 2);  // a Wednesday
  EXPECT_FALSE(parse_date("2012-13-01", y, m, d, w));
  EXPECT_FALSE(parse_date("2012-02-30x", y, m, d, w));
  EXPECT_FALSE(parse_date("12-02-2012", y, m, d, w));
}

TEST(AutomlEncoder, MediansFillGapsCategoriesAreOneHotAndTheEncoderRoundTrips) {
  RawTable t;
  t.file = "t.csv";
  t.names = {"x", "colour", "y"};
  t.cells = {{"1", "NA", "3", "10"}, {"red", "blue", "red", "green"}, {"0", "1", "0", "1"}};
  t.rows = 4;
  const auto columns = infer_columns(t, "y", {});
  const FeatureEncoder encoder(t, columns);
  EXPECT_EQ(encoder.feature_names(),
            (std::vector<std::string>{"x", "colour=blue", "colour=green", "colour=red"}));
  const auto x = encoder.encode(t).to_vector<float>();
  EXPECT_FLOAT_EQ(x[4], 3.0f);  // row 1's missing x: the median of 1, 3, 10
  EXPECT_FLOAT_EQ(x[5], 1.0f);  // blue
  EXPECT_FLOAT_EQ(x[7], 0.0f);
  // A later table: columns by name, an unseen colour sets no feature, a bad number counts.
  RawTable later;
  later.file = "later.csv";
  later.names = {"colour", "x"};
  later.cells = {{"purple"}, {"many"}};
  later.rows = 1;
  const auto again = FeatureEncoder::from_json(encoder.to_json());
  int64_t bad = 0;
  const auto y = again.encode(later, &bad).to_vector<float>();
  EXPECT_EQ(bad, 1);
  EXPECT_EQ(y, (std::vector<float>{3.0f, 0.0f, 0.0f, 0.0f}));
  later.names = {"colour", "z"};
  try {
    again.encode(later);
    FAIL() << "a missing input column was accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("'x' is not a column"), std::string::npos) << e.what();
  }
}

TEST(AutomlMetrics, ErrorsAreNegatedScores) {
  const auto p = values({1, 2, 3, 5});
  const std::vector<double> y = {1, 2, 3, 3};
  EXPECT_DOUBLE_EQ(metric_value("rmse", p, y), 1.0);
  EXPECT_DOUBLE_EQ(metric_value("mae", p, y), 0.5);
  EXPECT_DOUBLE_EQ(score("rmse", p, y), -1.0);
  EXPECT_NEAR(metric_value("r2", p, y), 1.0 - 4.0 / 2.75, 1e-12);
  Predictions probs;
  probs.rows = 2;
  probs.cols = 2;
  probs.values = {0.9, 0.1, 0.4, 0.6};
  EXPECT_DOUBLE_EQ(metric_value("accuracy", probs, {0, 0}), 0.5);
  EXPECT_NEAR(metric_value("log_loss", probs, {0, 0}), -(std::log(0.9) + std::log(0.4)) / 2, 1e-12);
  EXPECT_THROW(check_metric("accuracy", Task::Regression), std::invalid_argument);
}

TEST(AutomlFolds, AutoGluonsFoldAndHoldoutRules) {
  EXPECT_EQ(bag_folds(20), 5);
  EXPECT_EQ(bag_folds(73), 7);
  EXPECT_EQ(bag_folds(731), 8);
  EXPECT_DOUBLE_EQ(holdout_fraction(511), 0.2);
  EXPECT_DOUBLE_EQ(holdout_fraction(20000), 0.1);
  EXPECT_DOUBLE_EQ(holdout_fraction(4000), 0.2);
  EXPECT_DOUBLE_EQ(holdout_fraction(100000), 0.025);
}

TEST(AutomlFolds, BaggedModelsStopEarlyOnATenthOfTheirTrainingRowsNotOnTheirOutOfFoldRows) {
  std::vector<double> y;
  for (int i = 0; i < 400; ++i) y.push_back(i % 3);
  const auto plan = plan_folds("best", y, Task::Classification, 3);
  ASSERT_EQ(plan.folds.size(), 8u);
  for (const auto& f : plan.folds) {
    EXPECT_EQ(f.train.size() + f.stopping.size() + f.validation.size(), 400u);
    EXPECT_NEAR(double(f.stopping.size()), 0.1 * double(400 - f.validation.size()), 1.5);
    std::set<int64_t> out(f.validation.begin(), f.validation.end());
    for (int64_t r : f.stopping) EXPECT_EQ(out.count(r), 0u) << r;
    for (int64_t r : f.train) EXPECT_EQ(std::count(f.stopping.begin(), f.stopping.end(), r), 0);
  }
  // A holdout split holds a tenth back too (its models are refitted on every row).
  const Fold holdout = plan_folds("medium", y, Task::Classification, 3).folds[0];
  EXPECT_NEAR(double(holdout.validation.size()), 80, 1);
  EXPECT_NEAR(double(holdout.stopping.size()), 32, 1);
  EXPECT_EQ(holdout.train.size() + holdout.stopping.size() + holdout.validation.size(), 400u);
}

TEST(AutomlFolds, BaggingValidatesEachRowOnceAndStratifiesClasses) {
  std::vector<double> y;
  for (int i = 0; i < 90; ++i) y.push_back(i < 60 ? 0 : 1);
  const auto plan = plan_folds("best", y, Task::Classification, 3);
  ASSERT_EQ(plan.folds.size(), 8u);
  std::multiset<int64_t> seen;
  for (const auto& f : plan.folds) {
    seen.insert(f.validation.begin(), f.validation.end());
    EXPECT_EQ(f.train.size() + f.validation.size(), 90u);
    EXPECT_TRUE(f.stopping.empty());  // too few rows to hold any back
    int ones = 0;
    for (int64_t r : f.validation) ones += y[static_cast<size_t>(r)] == 1;
    EXPECT_GE(ones, 3);  // a third of each fold's 11 or 12 rows
    EXPECT_LE(ones, 4);
  }
  EXPECT_EQ(seen.size(), 90u);
  EXPECT_EQ(std::set<int64_t>(seen.begin(), seen.end()).size(), 90u);
  const auto holdout = plan_folds("medium", y, Task::Classification, 3);
  EXPECT_EQ(holdout.folds.at(0).validation.size(), 18u);
}

TEST(AutomlFolds, TooFewRowsForTheFoldsIsAClearError) {
  try {
    plan_folds("best", std::vector<double>(7, 1.0), Task::Regression, 0);
    FAIL() << "7 rows were bagged";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("7 rows, too few for 5-fold bagging"), std::string::npos)
        << e.what();
  }
  EXPECT_THROW(plan_folds("medium", std::vector<double>(5, 1.0), Task::Regression, 0),
               std::invalid_argument);
}

TEST(AutomlEnsemble, GreedySelectionWithReplacementKeepsTheBestPrefix) {
  const std::vector<double> y = {0, 0, 0, 0};
  const std::vector<Predictions> models = {values({1, 1, 1, 1}), values({-1, -1, -1, -1}),
                                           values({2, 2, 2, 2})};
  const auto e = select_ensemble(models, y, "rmse", 25);
  // First A (tied with B, first in order), then B (the average is exact), then A and B in
  // turn (ties go to a used model); the best prefix is the first two.
  EXPECT_EQ(e.order[0], 0);
  EXPECT_EQ(e.order[1], 1);
  EXPECT_DOUBLE_EQ(e.trajectory[1], 0.0);
  EXPECT_EQ(e.weights, (std::vector<double>{0.5, 0.5, 0.0}));
  const auto blended = blend(models, e.weights);
  EXPECT_EQ(blended.values, (std::vector<double>{0, 0, 0, 0}));
}

TEST(AutomlEnsemble, BaggedSelectionSpreadsWeightOverModelsThatEachCancelAnother) {
  const std::vector<double> y = {0, 0, 0, 0};
  // A and B cancel, as do C and D: the plain selection takes A and B alone; each bag of two
  // models takes both halves, so every model keeps some weight.
  const std::vector<Predictions> models = {values({1, -1, 1, -1}), values({-1, 1, -1, 1}),
                                           values({1, 1, -1, -1}), values({-1, -1, 1, 1})};
  EXPECT_EQ(select_ensemble(models, y, "rmse", 25).weights,
            (std::vector<double>{0.5, 0.5, 0.0, 0.0}));
  const auto w = select_bagged_ensemble(models, y, "rmse", 7);
  double sum = 0;
  for (double v : w) {
    EXPECT_GT(v, 0.0);
    sum += v;
  }
  EXPECT_NEAR(sum, 1.0, 1e-12);
  EXPECT_EQ(select_bagged_ensemble(models, y, "rmse", 7), w);  // seeded
}

TEST(AutomlEnsemble, BaggedSelectionNeverScoresBelowTheBestSingleModel) {
  const std::vector<double> y = {0, 0, 0, 0};
  // Only bags holding the perfect model can reach it; the average of the bags would not, so
  // the plain selection's weights are kept.
  const std::vector<Predictions> models = {values({0, 0, 0, 0}), values({1, 1, 1, 1}),
                                           values({2, 2, 2, 2}), values({3, 3, 3, 3})};
  EXPECT_EQ(select_bagged_ensemble(models, y, "rmse", 7),
            (std::vector<double>{1.0, 0.0, 0.0, 0.0}));
  // Two models: the plain selection.
  const std::vector<Predictions> two = {values({4, 4, 4, 4}), values({-4, -4, -4, -4})};
  EXPECT_EQ(select_bagged_ensemble(two, y, "rmse", 7), select_ensemble(two, y, "rmse").weights);
}

TEST(AutomlEnsemble, AModelCanBeChosenSeveralTimes) {
  const std::vector<double> y = {3, 3};
  const std::vector<Predictions> models = {values({4, 4}), values({0, 0})};
  // 3 = (4 * 3 + 0) / 4: three parts of the first model and one of the second.
  const auto e = select_ensemble(models, y, "mae", 25);
  EXPECT_DOUBLE_EQ(e.weights[0], 0.75);
  EXPECT_DOUBLE_EQ(e.weights[1], 0.25);
}
