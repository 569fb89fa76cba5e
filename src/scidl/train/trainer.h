// The fit loop: batches -> forward -> loss -> backward -> optimizer step, with metrics,
// validation after each epoch, a line per epoch, and callbacks. A non-finite loss stops the run
// before the bad gradient reaches the weights, naming the epoch and batch.
#pragma once
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "scidl/data/dataset.h"
#include "scidl/nn/module.h"
#include "scidl/optim/optimizer.h"
#include "scidl/train/callback.h"
#include "scidl/train/losses.h"
#include "scidl/train/metrics.h"

namespace scidl::train {

struct FitOptions {
  int epochs = 10;
  int64_t batch_size = 32;
  bool shuffle = true;
  uint64_t seed = 0;  // data order
  bool verbose = true;
  int initial_epoch = 0;  // for resumed runs
};

struct History {
  std::vector<Logs> epochs;
};

class NonFiniteLossError : public std::runtime_error {
 public:
  NonFiniteLossError(int epoch, int64_t batch, double value);
  int epoch;
  int64_t batch;
};

class Trainer {
 public:
  Trainer(nn::Module& model, optim::Optimizer& optimizer, LossFn loss,
          std::vector<std::string> metrics = {});
  History fit(const data::Dataset& train, const data::Dataset* validation,
              const FitOptions& options, const std::vector<Callback*>& callbacks = {});
  // Loss and metrics over a dataset, in eval mode, without recording gradients.
  Logs evaluate(const data::Dataset& d, int64_t batch_size = 1024);
  Tensor predict(const Tensor& x, int64_t batch_size = 4096);

  nn::Module& model() { return model_; }
  optim::Optimizer& optimizer() { return optimizer_; }
  bool stop_training = false;
  int epoch() const { return epoch_; }
  int64_t global_step() const { return global_step_; }
  Generator& data_generator() { return data_gen_; }

 private:
  nn::Module& model_;
  optim::Optimizer& optimizer_;
  LossFn loss_;
  std::vector<std::unique_ptr<Metric>> metrics_;
  Generator data_gen_;
  int epoch_ = 0;
  int64_t global_step_ = 0;
};

std::string format_logs(const Logs& logs);  // "loss 0.0123  mae 0.0456  ..."

}  // namespace scidl::train
