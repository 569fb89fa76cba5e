// The zoo's scidl networks: Normalization of the inputs, `hidden` dense ReLU layers of `width`
// with dropout, and the output (regression: one unit with an inverted Normalization that learns
// the target's mean and spread; classification: one logit per class). Adam, early stopping on the
// validation loss with the best weights restored, and a stop at the deadline. With no hidden
// layers it is the linear baseline (linear or logistic regression with a small L2 penalty).
#pragma once
#include "scidl/automl/tabular_model.h"
#include "scidl/nn/module.h"

namespace scidl::automl {

class NeuralNetModel : public TabularModel {
 public:
  NeuralNetModel(nlohmann::json params, Task task, int64_t classes);
  void fit(const TabularData& train, const TabularData& validation,
           const FitContext& context) override;
  Predictions predict(const Tensor& x) const override;
  std::string save(const std::filesystem::path& stem) const override;
  std::string fit_note() const override { return note_; }
  nlohmann::json refit_params() const override { return refit_params_; }
  void load(const std::filesystem::path& file);

 private:
  nlohmann::json spec(int64_t features) const;
  nlohmann::json params_;
  Task task_;
  int64_t classes_;
  nn::ModulePtr model_;
  nlohmann::json spec_;
  std::string note_;
  nlohmann::json refit_params_;
};

}  // namespace scidl::automl
