// AutoGluon's refit_full (automl/refit_full.h): each family, fitted with no rows to stop on and
// the options its holdout fit hands back, runs to the length the holdout chose.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include "scidl/automl/tabular_model.h"
#include "scidl/scidl.h"
#include "tree_rows.h"

using namespace scidl::automl;
using tree_rows::Rows;
using tree_rows::smooth;

namespace {

TabularData data_of(const Rows& r) { return {scidl::from_vector(r.x, {r.n, r.f}), r.y}; }

}  // namespace

TEST(RefitFull, EveryFamilyRefitsToTheLengthItsHoldoutFitChose) {
  const TabularData train = data_of(smooth(300, 1)), holdout = data_of(smooth(100, 2));
  const TabularData every = data_of(smooth(400, 3));
  const TabularData none{scidl::slice(every.x, 0, 0, 0), {}};
  const std::vector<ModelPreset> presets = {
      {"XGBoost", "xgboost", {{"eta", 0.3}, {"early_stopping_rounds", 10}}},
      {"NeuralNetScidl", "neural_net", {{"hidden", 1}, {"width", 16}, {"patience", 5}}},
      {"ObliviousBoost",
       "oblivious_boost",
       {{"learning_rate", 0.3}, {"early_stopping_rounds", 10}}},
      {"ExtraTrees", "extra_trees", {{"trees", 20}}}};
  for (const auto& preset : presets) {
    SCOPED_TRACE(preset.name);
    auto first = make_model(preset, Task::Regression, 0);
    first->fit(train, holdout, FitContext{});
    const auto params = first->refit_params();
    ModelPreset again = preset;
    again.params = params;
    auto refit = make_model(again, Task::Regression, 0);
    refit->fit(every, none, FitContext{});
    if (preset.family == "neural_net") {
      ASSERT_TRUE(params.contains("epochs"));
      EXPECT_EQ(refit->fit_note(), fmt::format("{} epochs", params["epochs"].get<int>()));
      EXPECT_LT(params["epochs"].get<int>(), 500);  // it did stop early on the holdout
    } else if (preset.family == "extra_trees") {
      EXPECT_EQ(params["trees"], 20);
      EXPECT_EQ(refit->fit_note(), "20 trees");
    } else {
      const int rounds = params["rounds"].get<int>();
      EXPECT_LT(rounds, 1000);  // stopped early
      EXPECT_EQ(refit->fit_note(), fmt::format("{} trees grown, best at {}", rounds, rounds));
    }
    EXPECT_EQ(refit->predict(every.x).rows, 400);
  }
}
