#include "scidl/automl/oblivious_boost_model.h"

#include <fmt/format.h>

#include <stdexcept>

namespace scidl::automl {

ObliviousBoostModel::ObliviousBoostModel(nlohmann::json params, Task task, int64_t classes)
    : params_(std::move(params)), task_(task), classes_(classes) {}

void ObliviousBoostModel::fit(const TabularData& train, const TabularData& validation,
                              const FitContext& context) {
  const Tensor x = train.x.contiguous(), xv = validation.x.contiguous();
  model_ = ObliviousBoost(x.shape()[1], task_ == Task::Regression ? 1 : classes_);
  ObliviousBoostOptions o;
  o.depth = params_.value("depth", o.depth);
  o.learning_rate = params_.value("learning_rate", o.learning_rate);
  o.l2 = params_.value("l2_leaf_reg", o.l2);
  o.borders = params_.value("border_count", o.borders);
  o.random_strength = params_.value("random_strength", o.random_strength);
  o.bagging_temperature = params_.value("bagging_temperature", o.bagging_temperature);
  o.rounds = params_.value("rounds", o.rounds);
  o.patience = params_.value("early_stopping_rounds", o.patience);
  o.seed = context.seed;
  const auto fitted =
      model_.fit(x.data<float>(), train.y.data(), train.rows(), xv.data<float>(),
                 validation.y.data(), validation.rows(), o, [&] { return context.should_stop(); });
  note_ = fmt::format("{} trees grown, best at {}", fitted.rounds_grown, fitted.best_rounds);
  if (fitted.stopped) note_ += ", stopped at the time limit";
  refit_params_ = params_;
  refit_params_["rounds"] = fitted.best_rounds;
}

Predictions ObliviousBoostModel::predict(const Tensor& x) const {
  const Tensor c = x.contiguous();
  Predictions p;
  p.rows = c.shape()[0];
  p.cols = model_.outputs();
  p.values = model_.predict(c.data<float>(), p.rows);
  return p;
}

std::string ObliviousBoostModel::save(const std::filesystem::path& stem) const {
  const std::filesystem::path file = stem.string() + ".ob.bin";
  model_.write(file);
  return file.filename().string();
}

void ObliviousBoostModel::load(const std::filesystem::path& file) {
  model_ = ObliviousBoost::read(file);
  const int64_t outputs = task_ == Task::Regression ? 1 : classes_;
  if (model_.outputs() != outputs)
    throw std::runtime_error(fmt::format("{}: a model of {} outputs where this task has {}",
                                         file.string(), model_.outputs(), outputs));
}

}  // namespace scidl::automl
