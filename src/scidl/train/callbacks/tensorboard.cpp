#include "scidl/train/callbacks/tensorboard.h"

#include <fmt/format.h>

#include "scidl/train/callbacks/model_graph.h"
#include "scidl/train/callbacks/tensorboard_images.h"
#include "scidl/train/trainer.h"

namespace scidl::train {

TensorBoard::TensorBoard(TensorBoardOptions o) : options_(std::move(o)) {
  if (options_.update_freq < 0 || options_.histogram_freq < 0 || options_.image_freq < 0)
    throw std::invalid_argument(
        "tensorboard: update_freq, histogram_freq and image_freq must be >= 0");
}

TensorBoard::~TensorBoard() = default;

void TensorBoard::on_train_begin(Trainer& t) {
  root_ = std::make_unique<io::TensorBoardWriter>(options_.log_dir);
  train_ = std::make_unique<io::TensorBoardWriter>(options_.log_dir / "train");
  validation_ = std::make_unique<io::TensorBoardWriter>(options_.log_dir / "validation");
  if (options_.write_model_summary)
    root_->add_text("model/summary", "```\n" + t.model().summary() + "```", 0);
  if (options_.write_graph) {
    train_->add_graph(model_graph(t.model(), t.training_data()));
    train_->flush();
  }
  if (!options_.hparams.empty()) {
    io::HParamsExperiment exp;
    for (const auto& [name, value] : options_.hparams) {
      io::HParamSpec spec{name, io::HParamType::unset, {}, std::nullopt, "", ""};
      spec.type = std::holds_alternative<double>(value) ? io::HParamType::float64
                  : std::holds_alternative<bool>(value) ? io::HParamType::boolean
                                                        : io::HParamType::string;
      exp.hparams.push_back(spec);
    }
    std::vector<std::string> names{"loss"};
    for (const auto& m : t.metric_names()) names.push_back(m);
    for (const auto& n : names) {
      exp.metrics.push_back(
          {"epoch_" + n, "train", n + " (training)", "", io::DatasetType::training});
      if (options_.has_validation)
        exp.metrics.push_back(
            {"epoch_" + n, "validation", n + " (validation)", "", io::DatasetType::validation});
    }
    exp.name = "scidl train";
    root_->add_hparams_experiment(exp);
    root_->session_start(options_.hparams);
  }
  root_->flush();
}

void TensorBoard::on_batch_end(Trainer&, int64_t step, const Logs& logs) {
  if (options_.update_freq > 0 && step % options_.update_freq == 0)
    train_->add_scalar("batch_loss", logs.at("batch_loss"), step);
}

void TensorBoard::on_epoch_end(Trainer& t, int epoch, const Logs& logs) {
  for (const auto& [k, v] : logs) {
    if (k == "time_s") continue;
    if (k.rfind("val_", 0) == 0)
      validation_->add_scalar("epoch_" + k.substr(4), v, epoch);
    else
      train_->add_scalar(k == "lr" ? "epoch_learning_rate" : "epoch_" + k, v, epoch);
  }
  if (options_.histogram_freq > 0 && epoch % options_.histogram_freq == 0) {
    for (const auto& [name, p] : t.model().named_parameters()) {
      train_->add_histogram(name + "/histogram", p.to_vector<double>(), epoch);
      if (Tensor g = p.grad(); g.defined())
        train_->add_histogram(name + "/gradient", g.to_vector<double>(), epoch);
    }
  }
  if (options_.write_images && options_.image_freq > 0 && (epoch + 1) % options_.image_freq == 0)
    write_examples(t, epoch);
  train_->flush();
  validation_->flush();
}

void TensorBoard::write_examples(Trainer& t, int epoch) {
  const data::Dataset* examples = t.validation_data();
  if (!examples || epoch == last_image_epoch_) return;
  if (auto image = prediction_examples_image(t.model(), *examples))
    validation_->add_image("validation_examples", *image, epoch);
  last_image_epoch_ = epoch;
}

void TensorBoard::on_train_end(Trainer& t, const Logs&) {
  if (!root_) return;
  if (options_.write_images && t.epoch() > 0) write_examples(t, t.epoch() - 1);
  if (!options_.hparams.empty())
    root_->session_end(t.termination_reason().empty() ? io::SessionStatus::success
                                                      : io::SessionStatus::failure);
  root_->flush();
  train_->flush();
  validation_->flush();
}

}  // namespace scidl::train
