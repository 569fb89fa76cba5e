// Boosted oblivious trees (automl/oblivious_boost.h): without noise or bootstrap they predict as
// CatBoost does (tools/make_catboost_fixture.py); one round of depth 1 finds a step exactly;
// they generalise on a smooth function and on two classes; early stopping keeps the best rounds;
// the model does not depend on the threads; a stop keeps the rounds grown; options out of range
// are refused naming them; the file round-trips and a damaged one is refused naming what is
// wrong; the zoo fits, saves and loads them.
#include <gtest/gtest.h>
#include <omp.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <fstream>

#include "../test_util.h"
#include "scidl/automl/oblivious_boost.h"
#include "scidl/automl/tabular_model.h"
#include "scidl/tensor/random.h"
#include "tree_rows.h"

using namespace scidl::automl;
using namespace tree_rows;

namespace {

ObliviousBoostOptions quick(int rounds) {
  ObliviousBoostOptions o;
  o.rounds = rounds;
  o.learning_rate = 0.1;
  return o;
}

// Fits as CatBoost did for `fixture` (no noise, no bootstrap) and checks the test predictions:
// values, or class-1 probabilities for `outputs` = 2.
void expect_as_catboost(const std::string& fixture_name, int64_t outputs) {
  const auto fixture = scidl::testing::load_fixture(fixture_name);
  const auto& opt = fixture["options"];
  auto floats = [](const nlohmann::json& t) {
    std::vector<float> v;
    for (double d : t["data"]) v.push_back(float(d));
    return v;
  };
  const std::vector<float> x = floats(fixture["x_train"]), xt = floats(fixture["x_test"]);
  const auto y = fixture["y_train"].get<std::vector<double>>();
  const auto expected = fixture["prediction"].get<std::vector<double>>();
  ObliviousBoostOptions o;
  o.depth = opt["depth"];
  o.learning_rate = opt["learning_rate"];
  o.l2 = opt["l2_leaf_reg"];
  o.borders = opt["border_count"];
  o.rounds = opt["iterations"];
  o.random_strength = 0;
  o.bagging_temperature = 0;
  ObliviousBoost model(4, outputs);
  model.fit(x.data(), y.data(), int64_t(y.size()), nullptr, nullptr, 0, o);
  EXPECT_EQ(model.trees(), o.rounds);
  // CatBoost keeps its sums in a mix of float and double: agreement to 1e-6 (a different split
  // would be off by tenths).
  const auto p = model.predict(xt.data(), int64_t(expected.size()));
  for (size_t i = 0; i < expected.size(); ++i) {
    const double got = p[i * size_t(outputs) + size_t(outputs - 1)];
    EXPECT_NEAR(got, expected[i], 1e-6 * (1 + std::fabs(expected[i]))) << "row " << i;
  }
}

}  // namespace

TEST(ObliviousBoost, WithoutNoiseOrBootstrapTheyPredictAsCatBoost) {
  expect_as_catboost("catboost/oblivious_regression.json", 1);
}

TEST(ObliviousBoost, TwoClassesPredictAsCatBoostsLogloss) {
  expect_as_catboost("catboost/oblivious_binary.json", 2);
}

TEST(ObliviousBoost, ThreeClassesGetProbabilitiesThatSumToOne) {
  // The class is which third of the range sin(3 x0) + x1 falls in.
  Rows train = smooth(600, 1), test = smooth(300, 2);
  for (Rows* r : {&train, &test})
    for (double& v : r->y) v = v < -0.5 ? 0.0 : v < 0.5 ? 1.0 : 2.0;
  ObliviousBoost model(train.f, 3);
  model.fit(train.x.data(), train.y.data(), train.n, nullptr, nullptr, 0, quick(200));
  const auto p = model.predict(test.x.data(), test.n);
  int right = 0;
  for (int64_t i = 0; i < test.n; ++i) {
    const double* q = &p[size_t(3 * i)];
    EXPECT_NEAR(q[0] + q[1] + q[2], 1.0, 1e-12);
    right += int(std::max_element(q, q + 3) - q) == int(test.y[size_t(i)]);
  }
  EXPECT_GT(right, int(0.85 * double(test.n)));
}

TEST(ObliviousBoost, OneRoundOfDepthOneFindsAStepExactly) {
  // y = 5 where x0 > 0.33, else 2; x1 is noise. Without shrinkage, noise, bootstrap or l2, one
  // level must split x0 halfway between 0.30 and 0.35 and its leaves must be the two means.
  Rows r{{}, {}, 0, 2};
  scidl::Generator g(4);
  for (int i = 0; i < 20; ++i) {
    const float a = float(i) * 0.05f;
    r.x.insert(r.x.end(), {a, float(uniform(g))});
    r.y.push_back(a > 0.33f ? 5.0 : 2.0);
  }
  r.n = 20;
  ObliviousBoostOptions o;
  o.depth = 1;
  o.rounds = 1;
  o.learning_rate = 1;
  o.l2 = 0;
  o.random_strength = 0;
  o.bagging_temperature = 0;
  ObliviousBoost model(r.f, 1);
  const auto fitted = model.fit(r.x.data(), r.y.data(), r.n, nullptr, nullptr, 0, o);
  EXPECT_EQ(fitted.rounds_grown, 1);
  EXPECT_EQ(model.trees(), 1);
  const auto p = model.predict(r.x.data(), r.n);
  for (int64_t i = 0; i < r.n; ++i) EXPECT_NEAR(p[size_t(i)], r.y[size_t(i)], 1e-12) << i;
  const float above[2] = {0.33f, 0.9f}, below[2] = {0.32f, 0.1f};
  EXPECT_NEAR(model.predict(above, 1)[0], 5.0, 1e-12);
  EXPECT_NEAR(model.predict(below, 1)[0], 2.0, 1e-12);
}

TEST(ObliviousBoost, RegressionGeneralisesToNewRows) {
  const Rows train = smooth(600, 1), val = smooth(150, 3), test = smooth(300, 2);
  ObliviousBoost model(train.f, 1);
  model.fit(train.x.data(), train.y.data(), train.n, val.x.data(), val.y.data(), val.n, quick(400));
  const double mean_only = rmse(std::vector<double>(test.y.size(), 0.0), test.y);
  const double error = rmse(model.predict(test.x.data(), test.n), test.y);
  EXPECT_LT(error, mean_only / 8) << "boosted " << error << ", predicting 0: " << mean_only;
}

TEST(ObliviousBoost, ClassesGetProbabilitiesThatSumToOne) {
  const Rows train = smooth(600, 1, true), val = smooth(150, 3, true), test = smooth(300, 2, true);
  ObliviousBoost model(train.f, 2);
  model.fit(train.x.data(), train.y.data(), train.n, val.x.data(), val.y.data(), val.n, quick(300));
  const auto p = model.predict(test.x.data(), test.n);
  int right = 0;
  for (int64_t i = 0; i < test.n; ++i) {
    const double p0 = p[size_t(2 * i)], p1 = p[size_t(2 * i + 1)];
    EXPECT_NEAR(p0 + p1, 1.0, 1e-12);
    right += (p1 > p0) == (test.y[size_t(i)] > 0.5);
  }
  EXPECT_GT(right, int(0.9 * double(test.n)));
}

TEST(ObliviousBoost, EarlyStoppingKeepsTheBestRounds) {
  // Few noisy rows and a high rate: the validation loss turns up early.
  Rows train = smooth(60, 1), val = smooth(60, 3);
  scidl::Generator g(8);
  for (double& y : train.y) y += 2 * (uniform(g) - 0.5);
  ObliviousBoostOptions o = quick(2000);
  o.learning_rate = 0.5;
  o.patience = 20;
  ObliviousBoost model(train.f, 1);
  const auto fitted =
      model.fit(train.x.data(), train.y.data(), train.n, val.x.data(), val.y.data(), val.n, o);
  EXPECT_LT(fitted.rounds_grown, 2000);
  EXPECT_GE(fitted.rounds_grown - fitted.best_rounds, 0);
  EXPECT_LE(fitted.rounds_grown - fitted.best_rounds, 20);
  EXPECT_EQ(model.trees(), fitted.best_rounds);
  EXPECT_FALSE(fitted.stopped);
  // The kept rounds score the best validation loss: one round more or less scores worse.
  const double kept = rmse(model.predict(val.x.data(), val.n), val.y);
  for (int rounds : {fitted.best_rounds - 1, fitted.best_rounds + 1}) {
    o.rounds = rounds;
    o.patience = 100000;
    ObliviousBoost other(train.f, 1);
    other.fit(train.x.data(), train.y.data(), train.n, nullptr, nullptr, 0, o);
    EXPECT_GE(rmse(other.predict(val.x.data(), val.n), val.y), kept) << rounds << " rounds";
  }
}

TEST(ObliviousBoost, TheModelDoesNotDependOnTheThreads) {
  const Rows train = smooth(40000, 1), test = smooth(50, 2);  // enough rows to split features
  std::vector<double> by_threads[2];
  const int before = omp_get_max_threads();
  for (int t : {1, 2}) {
    omp_set_num_threads(t);
    ObliviousBoost model(train.f, 1);
    model.fit(train.x.data(), train.y.data(), train.n, nullptr, nullptr, 0, quick(5));
    by_threads[t - 1] = model.predict(test.x.data(), test.n);
  }
  omp_set_num_threads(before);
  EXPECT_EQ(by_threads[0], by_threads[1]);
}

TEST(ObliviousBoost, AStopKeepsTheRoundsGrownSoFar) {
  const Rows train = smooth(100, 1);
  ObliviousBoost model(train.f, 1);
  int asked = 0;
  const auto fitted = model.fit(train.x.data(), train.y.data(), train.n, nullptr, nullptr, 0,
                                quick(50), [&] { return ++asked == 3; });
  EXPECT_TRUE(fitted.stopped);
  EXPECT_EQ(fitted.rounds_grown, 3);
  EXPECT_EQ(model.trees(), 3);
}

TEST(ObliviousBoost, OptionsOutOfRangeAreRefusedNamingThem) {
  const Rows train = smooth(50, 1);
  auto refused = [&](ObliviousBoostOptions o, const std::string& says) {
    ObliviousBoost model(train.f, 1);
    try {
      model.fit(train.x.data(), train.y.data(), train.n, nullptr, nullptr, 0, o);
      ADD_FAILURE() << "accepted options that " << says;
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find(says), std::string::npos) << e.what();
    }
  };
  ObliviousBoostOptions o;
  o.depth = 17;
  refused(o, "depth 17 (1-16)");
  o = {};
  o.borders = 256;
  refused(o, "borders 256 (1-255)");
  o = {};
  o.learning_rate = 0;
  refused(o, "learning rate 0 (> 0)");
  o = {};
  o.l2 = std::nan("");
  refused(o, "l2 nan");
}

TEST(ObliviousBoost, TheFileRoundTripsAndADamagedOneIsRefused) {
  scidl::testing::TempDir dir("oblivious_boost_file");
  const Rows train = smooth(100, 1);
  ObliviousBoost model(train.f, 1);
  model.fit(train.x.data(), train.y.data(), train.n, nullptr, nullptr, 0, quick(5));
  const auto file = dir.path / "f.ob.bin";
  model.write(file);
  EXPECT_EQ(ObliviousBoost::read(file).predict(train.x.data(), train.n),
            model.predict(train.x.data(), train.n));

  std::ifstream in(file, std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto refused = [&](const std::string& damaged, const std::string& says) {
    try {
      ObliviousBoost::parse(damaged, "f.ob.bin");
      ADD_FAILURE() << "accepted a file that " << says;
    } catch (const std::runtime_error& e) {
      EXPECT_NE(std::string(e.what()).find("f.ob.bin"), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find(says), std::string::npos) << e.what();
    }
  };
  refused(bytes.substr(0, bytes.size() - 3), "bytes are left for it");
  refused(bytes.substr(0, 20), "ends inside the header");
  refused("NOTATREE" + bytes.substr(8), "no SCIDLOB1 header");
  refused(bytes + "x", "after the last tree");
  // The first tree's first level naming feature 7 of 3.
  const size_t first_tree = 8 + 3 * 8 + 8 + 8;  // magic, header, base score, the depth
  std::string wrong_feature = bytes;
  const int32_t seven = 7;
  std::memcpy(wrong_feature.data() + first_tree, &seven, 4);
  refused(wrong_feature, "level 0: feature 7 of 3");
  std::string deep = bytes;
  const int64_t depth = 40;
  std::memcpy(deep.data() + first_tree - 8, &depth, 8);
  refused(deep, "claims depth 40");
}

TEST(ObliviousBoost, TheZooFitsSavesAndLoadsThem) {
  scidl::testing::TempDir dir("oblivious_boost_zoo");
  const Rows train = smooth(200, 1), val = smooth(50, 2);
  TabularData data{scidl::from_vector(train.x, {train.n, train.f}), train.y};
  TabularData validation{scidl::from_vector(val.x, {val.n, val.f}), val.y};
  const ModelPreset preset{"ObliviousBoost", "oblivious_boost", {{"rounds", 30}}};
  auto model = make_model(preset, Task::Regression, 0);
  model->fit(data, validation, FitContext{});
  EXPECT_NE(model->fit_note().find("30 trees grown, best at"), std::string::npos)
      << model->fit_note();
  const std::string name = model->save(dir.path / "fold0");
  EXPECT_EQ(name, "fold0.ob.bin");
  auto loaded = load_tabular_model(preset, Task::Regression, 0, dir.path / name);
  EXPECT_EQ(loaded->predict(data.x).values, model->predict(data.x).values);
  EXPECT_THROW(load_tabular_model(preset, Task::Classification, 3, dir.path / name),
               std::runtime_error);
}
