#include "scidl/automl/extra_trees_model.h"

#include <fmt/format.h>

#include <stdexcept>

namespace scidl::automl {

ExtraTreesModel::ExtraTreesModel(nlohmann::json params, Task task, int64_t classes)
    : params_(std::move(params)), task_(task), classes_(classes) {}

void ExtraTreesModel::fit(const TabularData& train, const TabularData&, const FitContext& context) {
  const Tensor x = train.x.contiguous();
  const int64_t outputs = task_ == Task::Regression ? 1 : classes_;
  forest_ = ExtraTrees(x.shape()[1], outputs);
  ExtraTreesOptions options;
  options.trees = params_.value("trees", 300);
  options.max_features = params_.value("max_features", 0);
  options.min_samples_split = params_.value("min_samples_split", 2);
  options.seed = context.seed;
  forest_.fit(x.data<float>(), train.y.data(), train.rows(), options,
              [&] { return context.should_stop(); });
  note_ = fmt::format("{} trees", forest_.trees());
  if (forest_.trees() < options.trees) note_ += ", stopped at the time limit";
  refit_params_ = params_;
  refit_params_["trees"] = forest_.trees();
}

Predictions ExtraTreesModel::predict(const Tensor& x) const {
  const Tensor c = x.contiguous();
  Predictions p;
  p.rows = c.shape()[0];
  p.cols = forest_.outputs();
  p.values = forest_.predict(c.data<float>(), p.rows);
  return p;
}

std::string ExtraTreesModel::save(const std::filesystem::path& stem) const {
  const std::filesystem::path file = stem.string() + ".et.bin";
  forest_.write(file);
  return file.filename().string();
}

void ExtraTreesModel::load(const std::filesystem::path& file) {
  forest_ = ExtraTrees::read(file);
  const int64_t outputs = task_ == Task::Regression ? 1 : classes_;
  if (forest_.outputs() != outputs)
    throw std::runtime_error(fmt::format("{}: a forest of {} outputs where this task has {}",
                                         file.string(), forest_.outputs(), outputs));
}

}  // namespace scidl::automl
