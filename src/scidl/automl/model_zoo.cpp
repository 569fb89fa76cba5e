// The zoo, in the order models are fitted (fast ones first, so a short time limit still ends
// with a model): a linear baseline, XGBoost with its defaults, a scidl MLP, larger trees with a
// smaller learning rate (as AutoGluon's LightGBMLarge), and a wider, deeper MLP.
#include <fmt/format.h>

#include <stdexcept>

#include "scidl/automl/neural_net_model.h"
#include "scidl/automl/tabular_model.h"
#include "scidl/automl/xgboost_model.h"

namespace scidl::automl {

std::vector<ModelPreset> model_zoo(Task) {
  return {
      {"LinearModel", "neural_net", {{"hidden", 0}, {"l2", 1e-4}, {"lr", 1e-2}, {"patience", 20}}},
      {"XGBoost", "xgboost", {{"eta", 0.1}, {"max_depth", 6}}},
      {"NeuralNetScidl",
       "neural_net",
       {{"hidden", 2}, {"width", 128}, {"dropout", 0.1}, {"lr", 3e-3}}},
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

std::unique_ptr<TabularModel> make_model(const ModelPreset& preset, Task task, int64_t classes) {
  if (preset.family == "neural_net")
    return std::make_unique<NeuralNetModel>(preset.params, task, classes);
  if (preset.family == "xgboost")
    return std::make_unique<XGBoostModel>(preset.params, task, classes);
  throw std::invalid_argument(fmt::format("model '{}': unknown family '{}' (neural_net, xgboost)",
                                          preset.name, preset.family));
}

std::unique_ptr<TabularModel> load_tabular_model(const ModelPreset& preset, Task task,
                                                 int64_t classes,
                                                 const std::filesystem::path& file) {
  if (preset.family == "neural_net") {
    auto model = std::make_unique<NeuralNetModel>(preset.params, task, classes);
    model->load(file);
    return model;
  }
  if (preset.family == "xgboost") {
    auto model = std::make_unique<XGBoostModel>(preset.params, task, classes);
    model->load(file);
    return model;
  }
  return make_model(preset, task, classes);  // throws, naming the family
}

}  // namespace scidl::automl
