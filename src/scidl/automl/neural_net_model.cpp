#include "scidl/automl/neural_net_model.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "scidl/nn/model_io.h"
#include "scidl/nn/model_spec.h"
#include "scidl/ops/ops.h"
#include "scidl/optim/factory.h"
#include "scidl/train/callbacks/early_stopping.h"
#include "scidl/train/trainer.h"

namespace scidl::automl {
namespace {

// Stops the fit after the batch in progress once the deadline has passed (or a stop is asked).
class DeadlineStop : public train::Callback {
 public:
  explicit DeadlineStop(const FitContext& context) : context_(context) {}
  void on_batch_end(train::Trainer& trainer, int64_t, const train::Logs&) override {
    if (context_.should_stop()) {
      trainer.stop_training = true;
      hit = true;
    }
  }
  bool hit = false;

 private:
  const FitContext& context_;
};

data::Dataset dataset(const TabularData& d, Task task) {
  data::Dataset out;
  out.x = d.x;
  if (task == Task::Regression)
    out.y = from_vector(d.y, {d.rows(), 1}, DType::Float32);
  else
    out.y = from_vector(d.y, {d.rows()}, DType::Int64);
  return out;
}

}  // namespace

NeuralNetModel::NeuralNetModel(nlohmann::json params, Task task, int64_t classes)
    : params_(std::move(params)), task_(task), classes_(classes) {}

nlohmann::json NeuralNetModel::spec(int64_t features) const {
  auto layers = nlohmann::json::array({{{"type", "normalization"}}});
  const int hidden = params_.value("hidden", 2);
  const int width = params_.value("width", 128);
  const double dropout = params_.value("dropout", 0.1);
  for (int i = 0; i < hidden; ++i) {
    layers.push_back({{"type", "dense"}, {"units", width}, {"activation", "relu"}});
    if (dropout > 0) layers.push_back({{"type", "dropout"}, {"rate", dropout}});
  }
  const bool regression = task_ == Task::Regression;
  layers.push_back({{"type", "dense"}, {"units", regression ? 1 : classes_}});
  if (regression) layers.push_back({{"type", "normalization"}, {"invert", true}});
  return {{"inputs", features}, {"layers", layers}};
}

void NeuralNetModel::fit(const TabularData& train, const TabularData& validation,
                         const FitContext& context) {
  spec_ = spec(train.x.shape()[1]);
  model_ = nn::build_model(spec_, context.seed);
  optim::OptimizerSpec adam;
  adam.lr = params_.value("lr", 3e-3);
  auto optimizer = optim::make_optimizer(adam, model_->parameters());
  train::Trainer trainer(*model_, *optimizer, task_ == Task::Regression ? "mse" : "cross_entropy");
  if (const double l2 = params_.value("l2", 0.0); l2 > 0) {
    optim::Regularization penalty;
    penalty.set_global(*optimizer, optim::Penalty{0.0, l2});
    trainer.set_regularization(std::move(penalty));
  }
  train::EarlyStoppingOptions stopping;
  stopping.patience = params_.value("patience", 30);
  stopping.restore_best_weights = true;
  train::EarlyStopping early(stopping);
  DeadlineStop deadline(context);
  train::FitOptions options;
  options.epochs = params_.value("epochs", 500);
  options.batch_size = std::clamp<int64_t>(train.rows() / 16, 16, 512);
  options.seed = context.seed;
  options.verbose = false;
  const auto train_set = dataset(train, task_);
  int64_t epochs = 0;
  if (validation.rows() > 0) {
    const auto val_set = dataset(validation, task_);
    const auto history = trainer.fit(train_set, &val_set, options, {&early, &deadline});
    epochs = early.best_epoch() + 1;
    note_ = fmt::format("{} epochs, best at {}", history.epochs.size(), epochs);
  } else {  // every epoch kept
    epochs =
        static_cast<int64_t>(trainer.fit(train_set, nullptr, options, {&deadline}).epochs.size());
    note_ = fmt::format("{} epochs", epochs);
  }
  if (deadline.hit) note_ += ", stopped at the time limit";
  refit_params_ = params_;
  refit_params_["epochs"] = std::max<int64_t>(1, epochs);
}

Predictions NeuralNetModel::predict(const Tensor& x) const {
  Tensor out = train::predict(*model_, x);
  if (task_ == Task::Classification) out = softmax(out, 1);
  Predictions p;
  p.rows = out.shape()[0];
  p.cols = out.shape()[1];
  p.values = out.to(DType::Float64).to_vector<double>();
  return p;
}

std::string NeuralNetModel::save(const std::filesystem::path& stem) const {
  const std::filesystem::path file = stem.string() + ".scidl";
  io::save_model(file, *model_, spec_);
  return file.filename().string();
}

void NeuralNetModel::load(const std::filesystem::path& file) {
  auto loaded = io::load_model(file);
  model_ = loaded.model;
  spec_ = loaded.spec;
  model_->eval();
}

}  // namespace scidl::automl
