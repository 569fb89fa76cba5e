// The fit loop: batches -> forward -> loss -> backward -> optimizer step, with metrics,
// validation after each epoch, a line per epoch, and callbacks. A non-finite loss stops the run
// before the bad gradient reaches the weights, naming the epoch and batch: by throwing
// NonFiniteLossError, or cleanly when a callback (TerminateOnNaN) asks for it.
// Contract: progress() describes where the loop stands at any callback; a Trainer whose model,
// optimizer and generators were restored and given that progress by resume_from() continues
// exactly (bit for bit) as if never interrupted, mid-epoch included.
#pragma once
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "scidl/data/dataset.h"
#include "scidl/dist/communicator.h"
#include "scidl/nn/module.h"
#include "scidl/optim/optimizer.h"
#include "scidl/optim/regularization.h"
#include "scidl/tensor/random.h"
#include "scidl/train/callback.h"
#include "scidl/train/data_parallel.h"
#include "scidl/train/losses.h"
#include "scidl/train/metrics.h"
#include "scidl/train/step_forward.h"

namespace scidl::train {
class Pipeline;
struct PipelineOptions;
}  // namespace scidl::train

namespace scidl::train {

struct FitOptions {
  int epochs = 10;
  int64_t batch_size = 32;
  bool shuffle = true;
  uint64_t seed = 0;  // data order
  bool verbose = true;
  int initial_epoch = 0;  // where a fresh fit starts counting
};

struct History {
  std::vector<Logs> epochs;
};

// Where the fit loop stands: the epoch in progress (or next to start), the batches done in it,
// the data-order generator just before that epoch's shuffle, and the epoch's running sums.
struct TrainerProgress {
  int epoch = 0;
  int64_t batch = 0;
  int64_t global_step = 0;
  Generator::State epoch_order_state{};
  double loss_sum = 0;
  int64_t rows = 0;
  std::vector<std::vector<double>> metric_states;  // one per metric, Metric::state()
  bool stopped = false;                            // stop_training was set
};

class NonFiniteLossError : public std::runtime_error {
 public:
  NonFiniteLossError(int epoch, int64_t batch, double value);
  int epoch;
  int64_t batch;
};
// "the loss became nan at epoch 2, batch 5" (1-based), shared by the error and TerminateOnNaN.
std::string non_finite_loss_message(int epoch, int64_t batch, double value);

// The model's outputs for x, batch_size rows at a time, in eval mode and without recording
// gradients; the model's training mode is restored after.
Tensor predict(nn::Module& model, const Tensor& x, int64_t batch_size = 4096);

class Trainer {
 public:
  Trainer(nn::Module& model, optim::Optimizer& optimizer, LossFn loss,
          std::vector<std::string> metrics = {});
  // The loss by its config name (make_loss); MAE and MSE then train a model that is one dense
  // chain through the fused pass (step_forward.h).
  Trainer(nn::Module& model, optim::Optimizer& optimizer, const std::string& loss,
          std::vector<std::string> metrics = {});
  History fit(const data::Dataset& train, const data::Dataset* validation,
              const FitOptions& options, const std::vector<Callback*>& callbacks = {});
  // Loss and metrics over a dataset, in eval mode, without recording gradients.
  Logs evaluate(const data::Dataset& d, int64_t batch_size = 1024);
  Tensor predict(const Tensor& x, int64_t batch_size = 4096);  // train::predict of the model
  // Adapts the model's Normalization layers not yet adapted on `train` (fit() does it first).
  void adapt_normalization(const data::Dataset& train);

  // Applied between backward() and the optimizer step: weight penalties (added to the reported
  // loss and val_loss, as Keras does), then clipping by global norm and by value (0: off).
  void set_regularization(optim::Regularization regularization) {
    regularization_ = std::move(regularization);
  }
  void set_gradient_clipping(double max_norm, double max_value) {
    clip_norm_ = max_norm;
    clip_value_ = max_value;
  }

  // Trains data-parallel as one rank of `communicator`'s job (train/data_parallel.h): rank 0's
  // weights at the start, this rank's shard of each epoch (DistributedSampler's order, seeded by
  // seed + epoch, so even one rank's order differs from a plain fit's), gradients averaged, and
  // the job's loss and metrics in every rank's progress and logs. Null: a plain fit.
  void set_communicator(dist::Communicator* communicator, const DataParallelOptions& options = {});
  dist::Communicator* communicator() const { return communicator_; }
  // Trains as one stage of `communicator`'s pipeline instead (train/pipeline.h: GPipe's
  // schedule, this rank's layers of the model, every rank iterating the same batches as a plain
  // fit). Throws dist::JobError, alike on every rank, for a model the pipeline cannot cut.
  void set_pipeline(dist::Communicator* communicator, const PipelineOptions& options);
  Pipeline* pipeline() const { return pipeline_.get(); }

  // The next fit continues from `progress` with `history` as the epochs already done.
  void resume_from(const TrainerProgress& progress, History history);

  nn::Module& model() { return model_; }
  optim::Optimizer& optimizer() { return optimizer_; }
  bool stop_training = false;
  int epoch() const { return progress_.epoch; }
  int64_t global_step() const { return progress_.global_step; }
  int64_t batches_per_epoch() const { return batches_per_epoch_; }
  int epochs() const { return epochs_; }
  const TrainerProgress& progress() const { return progress_; }
  const History& history() const { return history_; }
  std::vector<std::string> metric_names() const;
  Generator& data_generator() { return data_gen_; }
  // Why the last fit ended early ("" when it ran all epochs or a callback stopped it silently).
  const std::string& termination_reason() const { return termination_reason_; }
  // The data the running fit trains and validates on, for callbacks (null outside fit, and
  // validation when the fit has none).
  const data::Dataset* training_data() const { return train_data_; }
  const data::Dataset* validation_data() const { return validation_data_; }

 private:
  bool run_batches(data::BatchIterator& batches, const std::vector<Callback*>& callbacks);
  // A step's gradients and the job's loss (and metrics) through the pipeline.
  double pipeline_step(const Tensor& x, const Tensor& y, int64_t& rows);
  void start_epoch_progress();

  nn::Module& model_;
  optim::Optimizer& optimizer_;
  LossFn loss_;
  std::optional<FusedLoss> fused_loss_;  // what loss_ computes, when the fused pass knows it
  std::vector<std::unique_ptr<Metric>> metrics_;
  Generator data_gen_;
  TrainerProgress progress_;
  History history_;
  bool resume_pending_ = false;
  int64_t batches_per_epoch_ = 0;
  int epochs_ = 0;
  std::string termination_reason_;
  const data::Dataset* train_data_ = nullptr;
  const data::Dataset* validation_data_ = nullptr;
  optim::Regularization regularization_;
  double clip_norm_ = 0, clip_value_ = 0;
  dist::Communicator* communicator_ = nullptr;
  std::shared_ptr<DataParallel> data_parallel_;
  std::shared_ptr<Pipeline> pipeline_;
  std::vector<double> pipeline_sums_;  // the loss and metrics all-reduce's buffer
};

std::string format_logs(const Logs& logs);  // "loss 0.0123  mae 0.0456  ..."

}  // namespace scidl::train
