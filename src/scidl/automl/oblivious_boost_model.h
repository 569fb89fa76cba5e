// The zoo's boosted oblivious trees (automl/oblivious_boost.h), with CatBoost's defaults as
// AutoGluon runs it (depth 6, learning rate 0.05, l2_leaf_reg 3, 254 borders, random strength 1,
// Bayesian bootstrap at temperature 1), stopped early on the validation rows; at the deadline
// the model keeps its best rounds so far. Saved as `stem.ob.bin`.
#pragma once
#include "scidl/automl/oblivious_boost.h"
#include "scidl/automl/tabular_model.h"

namespace scidl::automl {

class ObliviousBoostModel : public TabularModel {
 public:
  ObliviousBoostModel(nlohmann::json params, Task task, int64_t classes);
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
  ObliviousBoost model_;
  std::string note_;
  nlohmann::json refit_params_;
};

}  // namespace scidl::automl
