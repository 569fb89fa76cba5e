// The zoo, in the order models are fitted (fast ones first, so a short time limit still ends
// with a model): a linear baseline, XGBoost with AutoGluon's settings, a random forest (XGBoost's
// random-forest mode: 300 trees of one round on 63.2% of the rows, 80% of the columns per split,
// as bootstrap samples hold), extremely randomised trees (as AutoGluon's ExtraTrees), boosted
// oblivious trees with CatBoost's defaults (as AutoGluon's CatBoost), a scidl MLP, larger trees
// with a smaller learning rate (as AutoGluon's LightGBMLarge), and a wider, deeper MLP.
#include <fmt/format.h>

#include <cmath>
#include <stdexcept>

#include "scidl/automl/extra_trees_model.h"
#include "scidl/automl/neural_net_model.h"
#include "scidl/automl/oblivious_boost_model.h"
#include "scidl/automl/tabular_model.h"
#include "scidl/automl/xgboost_model.h"
#include "scidl/tensor/random.h"

namespace scidl::automl {

std::vector<ModelPreset> model_zoo(Task) {
  return {
      {"LinearModel", "neural_net", {{"hidden", 0}, {"l2", 1e-4}, {"lr", 1e-2}, {"patience", 20}}},
      {"XGBoost", "xgboost", {{"eta", 0.1}, {"max_depth", 6}}},
      {"RandomForest",
       "xgboost",
       {{"num_parallel_tree", 300},
        {"rounds", 1},
        {"eta", 1.0},
        {"subsample", 0.632},
        {"colsample_bynode", 0.8},
        {"max_depth", 14},
        {"lambda", 0.0},
        {"min_child_weight", 1}}},
      {"ExtraTrees", "extra_trees", {{"trees", 300}}},
      {"ObliviousBoost", "oblivious_boost", nlohmann::json::object()},
      {"NeuralNetScidl",
       "neural_net",
       {{"hidden", 2}, {"width", 128}, {"dropout", 0.1}, {"lr", 1e-3}}},
      {"XGBoostLarge",
       "xgboost",
       {{"eta", 0.03},
        {"max_depth", 8},
        {"min_child_weight", 3},
        {"colsample_bytree", 0.9},
        {"subsample", 0.9},
        {"early_stopping_rounds", 100}}},
      {"NeuralNetScidl_Wide",
       "neural_net",
       {{"hidden", 3}, {"width", 256}, {"dropout", 0.2}, {"lr", 1e-3}}},
  };
}

std::vector<ModelPreset> search_variants(Task, int round, uint64_t seed) {
  Generator gen(seed * 7919 + static_cast<uint64_t>(round));
  auto uniform = [&](double lo, double hi) {
    return lo + (hi - lo) * static_cast<double>(gen.next_u64() >> 11) * 0x1.0p-53;
  };
  auto log_uniform = [&](double lo, double hi) {
    return std::exp(uniform(std::log(lo), std::log(hi)));
  };
  auto pick = [&](std::initializer_list<int> choices) {
    return *(choices.begin() + gen.next_u64() % choices.size());
  };
  const std::string suffix = "_r" + std::to_string(round);
  return {
      {"XGBoost" + suffix,
       "xgboost",
       {{"eta", log_uniform(0.01, 0.3)},
        {"max_depth", pick({3, 4, 5, 6, 7, 8, 10})},
        {"min_child_weight", pick({1, 2, 3, 5, 8})},
        {"subsample", uniform(0.6, 1.0)},
        {"colsample_bytree", uniform(0.5, 1.0)},
        {"early_stopping_rounds", 100}}},
      {"NeuralNetScidl" + suffix,
       "neural_net",
       {{"hidden", pick({1, 2, 3, 4})},
        {"width", pick({32, 64, 128, 256, 512})},
        {"dropout", uniform(0.0, 0.4)},
        {"lr", log_uniform(3e-4, 1e-2)}}},
  };
}

std::unique_ptr<TabularModel> make_model(const ModelPreset& preset, Task task, int64_t classes) {
  if (preset.family == "neural_net")
    return std::make_unique<NeuralNetModel>(preset.params, task, classes);
  if (preset.family == "xgboost")
    return std::make_unique<XGBoostModel>(preset.params, task, classes);
  if (preset.family == "extra_trees")
    return std::make_unique<ExtraTreesModel>(preset.params, task, classes);
  if (preset.family == "oblivious_boost")
    return std::make_unique<ObliviousBoostModel>(preset.params, task, classes);
  throw std::invalid_argument(fmt::format(
      "model '{}': unknown family '{}' (neural_net, xgboost, extra_trees, oblivious_boost)",
      preset.name, preset.family));
}

namespace {

template <typename Model>
std::unique_ptr<TabularModel> loaded(const ModelPreset& preset, Task task, int64_t classes,
                                     const std::filesystem::path& file) {
  auto model = std::make_unique<Model>(preset.params, task, classes);
  model->load(file);
  return model;
}

}  // namespace

std::unique_ptr<TabularModel> load_tabular_model(const ModelPreset& preset, Task task,
                                                 int64_t classes,
                                                 const std::filesystem::path& file) {
  if (preset.family == "neural_net") return loaded<NeuralNetModel>(preset, task, classes, file);
  if (preset.family == "xgboost") return loaded<XGBoostModel>(preset, task, classes, file);
  if (preset.family == "extra_trees") return loaded<ExtraTreesModel>(preset, task, classes, file);
  if (preset.family == "oblivious_boost")
    return loaded<ObliviousBoostModel>(preset, task, classes, file);
  return make_model(preset, task, classes);  // throws, naming the family
}

}  // namespace scidl::automl
