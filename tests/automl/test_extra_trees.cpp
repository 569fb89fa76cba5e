// Extremely randomised trees (automl/extra_trees.h): grown to purity they reproduce their
// training rows; they generalise on a smooth function and on two classes; the forest does not
// depend on the threads; a stop keeps the trees grown; the file round-trips and a damaged one
// is refused naming what is wrong; the zoo fits, saves and loads them.
#include <gtest/gtest.h>
#include <omp.h>

#include <cmath>
#include <cstring>
#include <fstream>

#include "../test_util.h"
#include "scidl/automl/extra_trees.h"
#include "scidl/automl/tabular_model.h"
#include "scidl/tensor/random.h"
#include "tree_rows.h"

using namespace scidl::automl;
using namespace tree_rows;

TEST(ExtraTrees, GrownToPurityTheyReproduceTheirTrainingRows) {
  const Rows train = smooth(200, 1);
  ExtraTrees forest(train.f, 1);
  forest.fit(train.x.data(), train.y.data(), train.n, {.trees = 20, .seed = 3});
  EXPECT_EQ(forest.trees(), 20);
  const auto p = forest.predict(train.x.data(), train.n);
  for (int64_t i = 0; i < train.n; ++i) EXPECT_NEAR(p[size_t(i)], train.y[size_t(i)], 1e-6) << i;
}

TEST(ExtraTrees, RegressionGeneralisesToNewRows) {
  const Rows train = smooth(600, 1), test = smooth(300, 2);
  ExtraTrees forest(train.f, 1);
  forest.fit(train.x.data(), train.y.data(), train.n, {.trees = 100, .seed = 3});
  const double mean_only = rmse(std::vector<double>(test.y.size(), 0.0), test.y);
  const double error = rmse(forest.predict(test.x.data(), test.n), test.y);
  EXPECT_LT(error, mean_only / 5) << "forest " << error << ", predicting 0: " << mean_only;
}

TEST(ExtraTrees, ClassesGetProbabilitiesThatSumToOne) {
  const Rows train = smooth(600, 1, true), test = smooth(300, 2, true);
  ExtraTrees forest(train.f, 2);
  forest.fit(train.x.data(), train.y.data(), train.n, {.trees = 100, .seed = 3});
  const auto p = forest.predict(test.x.data(), test.n);
  int right = 0;
  for (int64_t i = 0; i < test.n; ++i) {
    const double p0 = p[size_t(2 * i)], p1 = p[size_t(2 * i + 1)];
    EXPECT_NEAR(p0 + p1, 1.0, 1e-6);
    right += (p1 > p0) == (test.y[size_t(i)] > 0.5);
  }
  EXPECT_GT(right, int(0.9 * double(test.n)));
}

TEST(ExtraTrees, TheForestDoesNotDependOnTheThreads) {
  const Rows train = smooth(300, 1), test = smooth(50, 2);
  std::vector<double> by_threads[2];
  const int before = omp_get_max_threads();
  for (int t : {1, 2}) {
    omp_set_num_threads(t);
    ExtraTrees forest(train.f, 1);
    forest.fit(train.x.data(), train.y.data(), train.n, {.trees = 30, .seed = 9});
    by_threads[t - 1] = forest.predict(test.x.data(), test.n);
  }
  omp_set_num_threads(before);
  EXPECT_EQ(by_threads[0], by_threads[1]);
}

TEST(ExtraTrees, AStopKeepsTheTreesGrownSoFar) {
  const Rows train = smooth(100, 1);
  ExtraTrees forest(train.f, 1);
  forest.fit(train.x.data(), train.y.data(), train.n, {.trees = 50}, [] { return true; });
  EXPECT_GE(forest.trees(), 1);
  EXPECT_LT(forest.trees(), 50);
}

TEST(ExtraTrees, TheFileRoundTripsAndADamagedOneIsRefused) {
  scidl::testing::TempDir dir("extra_trees_file");
  const Rows train = smooth(100, 1);
  ExtraTrees forest(train.f, 1);
  forest.fit(train.x.data(), train.y.data(), train.n, {.trees = 5});
  const auto file = dir.path / "f.et.bin";
  forest.write(file);
  EXPECT_EQ(ExtraTrees::read(file).predict(train.x.data(), train.n),
            forest.predict(train.x.data(), train.n));

  std::ifstream in(file, std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto refused = [&](const std::string& damaged, const std::string& says) {
    try {
      ExtraTrees::parse(damaged, "f.et.bin");
      ADD_FAILURE() << "accepted a file that " << says;
    } catch (const std::runtime_error& e) {
      EXPECT_NE(std::string(e.what()).find("f.et.bin"), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find(says), std::string::npos) << e.what();
    }
  };
  refused(bytes.substr(0, bytes.size() - 3), "bytes are left for them");
  refused(bytes.substr(0, 20), "ends inside the header");
  refused("NOTATREE" + bytes.substr(8), "no SCIDLET1 header");
  refused(bytes + "x", "after the last tree");
  // The root's left child pointing at the root itself: a walk that would never end.
  std::string loop = bytes;
  const size_t first_tree = 8 + 3 * 8 + 8;  // magic, header, the first tree's node count
  int64_t nodes = 0;
  std::memcpy(&nodes, bytes.data() + first_tree - 8, 8);
  const int32_t zero = 0;
  std::memcpy(loop.data() + first_tree + 8 * size_t(nodes), &zero, 4);  // left[0] = 0
  refused(loop, "node 0");
}

TEST(ExtraTrees, TheZooFitsSavesAndLoadsThem) {
  scidl::testing::TempDir dir("extra_trees_zoo");
  const Rows train = smooth(200, 1);
  TabularData data{scidl::from_vector(train.x, {train.n, train.f}), train.y};
  const ModelPreset preset{"ExtraTrees", "extra_trees", {{"trees", 20}}};
  auto model = make_model(preset, Task::Regression, 0);
  model->fit(data, data, FitContext{});
  EXPECT_EQ(model->fit_note(), "20 trees");
  const std::string name = model->save(dir.path / "fold0");
  EXPECT_EQ(name, "fold0.et.bin");
  auto loaded = load_tabular_model(preset, Task::Regression, 0, dir.path / name);
  EXPECT_EQ(loaded->predict(data.x).values, model->predict(data.x).values);
  EXPECT_THROW(load_tabular_model(preset, Task::Classification, 3, dir.path / name),
               std::runtime_error);
}
