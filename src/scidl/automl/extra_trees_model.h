// The zoo's extremely randomised trees (automl/extra_trees.h), as AutoGluon's ExtraTreesMSE /
// ExtraTreesGini: 300 trees on every row, all features per split for regression and sqrt of them
// for classes. The validation rows are not used (nothing to stop early); at the deadline the
// forest keeps the trees grown so far. Saved as `stem.et.bin`.
#pragma once
#include "scidl/automl/extra_trees.h"
#include "scidl/automl/tabular_model.h"

namespace scidl::automl {

class ExtraTreesModel : public TabularModel {
 public:
  ExtraTreesModel(nlohmann::json params, Task task, int64_t classes);
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
  ExtraTrees forest_;
  std::string note_;
  nlohmann::json refit_params_;
};

}  // namespace scidl::automl
