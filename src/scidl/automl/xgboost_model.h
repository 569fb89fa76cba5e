// The zoo's gradient-boosted trees, through XGBoost's C API (Debian libxgboost-dev): histogram
// trees, squared error or softmax probabilities, early stopping after `early_stopping_rounds`
// rounds without a better validation score (the trees are then cut back to the best round), and
// a stop at the deadline with the trees grown so far. Saved as XGBoost's own JSON model.
#pragma once
#include "scidl/automl/tabular_model.h"

namespace scidl::automl {

class XGBoostModel : public TabularModel {
 public:
  XGBoostModel(nlohmann::json params, Task task, int64_t classes);
  ~XGBoostModel() override;
  XGBoostModel(const XGBoostModel&) = delete;
  XGBoostModel& operator=(const XGBoostModel&) = delete;
  void fit(const TabularData& train, const TabularData& validation,
           const FitContext& context) override;
  Predictions predict(const Tensor& x) const override;
  std::string save(const std::filesystem::path& stem) const override;
  std::string fit_note() const override { return note_; }
  nlohmann::json refit_params() const override { return refit_params_; }
  void load(const std::filesystem::path& file);

 private:
  nlohmann::json params_;
  Task task_;
  int64_t classes_;
  void* booster_ = nullptr;  // BoosterHandle
  std::string note_;
  nlohmann::json refit_params_;
};

}  // namespace scidl::automl
