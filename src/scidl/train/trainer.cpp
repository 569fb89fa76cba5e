#include "scidl/train/trainer.h"

#include <fmt/format.h>

#include <chrono>
#include <cmath>

#include "scidl/autograd/grad_mode.h"
#include "scidl/backend/cpu/denormals.h"
#include "scidl/data/distributed_sampler.h"
#include "scidl/nn/normalization.h"
#include "scidl/ops/shape_ops.h"
#include "scidl/train/data_parallel.h"
#include "scidl/train/fused_step.h"
#include "scidl/train/pipeline.h"

namespace scidl::train {

std::string non_finite_loss_message(int e, int64_t b, double v) {
  return fmt::format("the loss became {} at epoch {}, batch {}", v, e + 1, b + 1);
}

NonFiniteLossError::NonFiniteLossError(int e, int64_t b, double v)
    : std::runtime_error(fmt::format(
          "{}; training stopped before this step changed the weights (checkpoints already "
          "written are intact). Lower the learning rate, normalise the data, or clip gradients.",
          non_finite_loss_message(e, b, v))),
      epoch(e),
      batch(b) {}

Trainer::Trainer(nn::Module& model, optim::Optimizer& optimizer, LossFn loss,
                 std::vector<std::string> metrics)
    : model_(model), optimizer_(optimizer), loss_(std::move(loss)) {
  for (const auto& m : metrics) metrics_.push_back(make_metric(m));
}

Trainer::Trainer(nn::Module& model, optim::Optimizer& optimizer, const std::string& loss,
                 std::vector<std::string> metrics)
    : Trainer(model, optimizer, make_loss(loss), std::move(metrics)) {
  fused_loss_ = fused_loss_of(loss);
}

std::vector<std::string> Trainer::metric_names() const {
  std::vector<std::string> names;
  for (const auto& m : metrics_) names.push_back(m->name());
  return names;
}

std::string format_logs(const Logs& logs) {
  std::string out;
  auto add = [&](const std::string& k, double v) {
    out += fmt::format("{}{} {:.6g}", out.empty() ? "" : "  ", k, v);
  };
  // Training values first, then validation, like Keras.
  for (const auto& [k, v] : logs)
    if (k.rfind("val_", 0) != 0 && k != "time_s" && k != "lr" && k != "batch_loss") add(k, v);
  for (const auto& [k, v] : logs)
    if (k.rfind("val_", 0) == 0) add(k, v);
  return out;
}

void Trainer::resume_from(const TrainerProgress& progress, History history) {
  if (progress.metric_states.size() != metrics_.size())
    throw std::invalid_argument(
        fmt::format("resume: the checkpoint holds {} metric states but this trainer has {} metrics",
                    progress.metric_states.size(), metrics_.size()));
  progress_ = progress;
  history_ = std::move(history);
  resume_pending_ = true;
}

void Trainer::set_communicator(dist::Communicator* communicator,
                               const DataParallelOptions& options) {
  communicator_ = communicator;
  data_parallel_ =
      communicator ? std::make_shared<DataParallel>(*communicator, optimizer_, options) : nullptr;
}

void Trainer::set_pipeline(dist::Communicator* communicator, const PipelineOptions& options) {
  communicator_ = communicator;
  data_parallel_ = nullptr;
  pipeline_ = std::make_shared<Pipeline>(*communicator, model_, optimizer_, options);
}

double Trainer::pipeline_step(const Tensor& x, const Tensor& y, int64_t& rows) {
  Pipeline& pp = *pipeline_;
  const int64_t step = progress_.global_step;
  Pipeline::Result r = pp.forward_backward(x, y, loss_, step);
  // The last stage holds the loss and the prediction; every rank takes the job's.
  return reduce_batch_over_ranks(*communicator_, r.loss, rows, metrics_, r.prediction, y, step,
                                 pp.last_stage(), pipeline_sums_);
}

void Trainer::start_epoch_progress() {
  progress_.batch = 0;
  progress_.epoch_order_state = data_gen_.state();
  progress_.loss_sum = 0;
  progress_.rows = 0;
  for (auto& m : metrics_) m->reset();
  progress_.metric_states.clear();
  for (auto& m : metrics_) progress_.metric_states.push_back(m->state());
}

// One epoch's batches from where progress_ stands. Returns false when a non-finite loss ended
// training cleanly.
bool Trainer::run_batches(data::BatchIterator& batches, const std::vector<Callback*>& callbacks) {
  // Subnormals flushed to zero while the steps run (momentum and Adam's moments decay through
  // them, at ~100 cycles an operation): see backend/cpu/denormals.h.
  backend::cpu::FlushDenormalsScope flush_denormals;
  auto& p = progress_;
  TensorDict batch;
  // Nothing to do between backward() and step(): the whole step can be one pass.
  const bool may_fuse =
      fused_loss_ && regularization_.empty() && clip_norm_ <= 0 && clip_value_ <= 0;
  DataParallel* dp = data_parallel_.get();
  Pipeline* pp = pipeline_.get();
  while (!stop_training && batches.next(batch)) {
    const Tensor& x = batch.get("x");
    const Tensor y = batch.contains("y") ? batch.get("y") : Tensor();
    std::optional<FusedStep> fused;
    // Data-parallel, the fused pass leaves its gradients for the all-reduce and steps after it.
    if (may_fuse && !pp) fused = fused_training_step(model_, optimizer_, x, y, *fused_loss_, !dp);
    StepForward forward;
    int64_t rows = x.shape()[0];
    double lv = 0;
    if (pp) {  // forward and backward through the stages: no weight has changed yet
      lv = pipeline_step(x, y, rows);
    } else if (fused) {
      forward.prediction = fused->prediction;
      lv = fused->loss;
    } else {
      optimizer_.zero_grad();
      forward = forward_and_loss(model_, batch, y, loss_, fused_loss_);
      lv = forward.loss.item();
    }
    const Tensor& pred = forward.prediction;
    // The job's loss (every rank decides alike on a non-finite one) and metric sums.
    if (dp) lv = dp->reduce_batch(lv, rows, metrics_, pred.detach(), y, p.global_step);
    if (!std::isfinite(lv)) {  // a fused step has changed no weight either
      bool handled = false;
      for (auto* cb : callbacks)
        handled = cb->on_non_finite_loss(*this, p.epoch, p.batch, lv) || handled;
      if (!handled) throw NonFiniteLossError(p.epoch, p.batch, lv);
      termination_reason_ = non_finite_loss_message(p.epoch, p.batch, lv);
      stop_training = p.stopped = true;
      return false;
    }
    if (pp) {
      if (clip_value_ > 0) optim::clip_grad_value(optimizer_.flat_gradients(), clip_value_);
      pp->step_optimizer();
      if (pp->options().synchronize_every > 0 &&
          (p.global_step + 1) % pp->options().synchronize_every == 0)
        pp->synchronize();  // a checkpoint of the whole model follows this step
    } else if (!fused || dp) {
      if (!fused) dp ? dp->backward(forward.loss) : forward.loss.backward();
      if (dp) dp->average_gradients(p.global_step);
      if (!regularization_.empty()) {
        lv += regularization_.value();  // of the weights this step started from
        regularization_.add_gradients();
      }
      if (clip_norm_ > 0) optim::clip_grad_norm(optimizer_.flat_gradients(), clip_norm_);
      if (clip_value_ > 0) optim::clip_grad_value(optimizer_.flat_gradients(), clip_value_);
      optimizer_.step();
    }
    if (!dp && !pp)
      for (auto& m : metrics_) m->update(pred.detach(), y);
    p.loss_sum += lv * double(rows);
    p.rows += rows;
    ++p.global_step;
    ++p.batch;
    for (size_t i = 0; i < metrics_.size(); ++i) p.metric_states[i] = metrics_[i]->state();
    if (!callbacks.empty()) {
      Logs b{{"loss", p.loss_sum / p.rows}, {"batch_loss", lv}};
      for (auto& m : metrics_) b[m->name()] = m->value();
      for (auto* cb : callbacks) cb->on_batch_end(*this, p.global_step, b);
      p.stopped = stop_training;
    }
  }
  return true;
}

History Trainer::fit(const data::Dataset& train, const data::Dataset* val, const FitOptions& o,
                     const std::vector<Callback*>& callbacks) {
  train.validate("training data");
  if (val) val->validate("validation data");
  if (train.size() == 0) throw std::invalid_argument("fit: the training set is empty");
  termination_reason_.clear();
  train_data_ = &train;
  validation_data_ = val;
  struct ForgetData {  // callbacks see the data only while fit runs, however it ends
    Trainer& t;
    ~ForgetData() { t.train_data_ = t.validation_data_ = nullptr; }
  } forget_data{*this};
  adapt_normalization(train);
  epochs_ = o.epochs;
  if (!resume_pending_) data_gen_.seed_(o.seed);
  // The iterator draws one permutation when built; resumed runs then rewind the generator.
  data::BatchIterator batches(train, o.batch_size, o.shuffle, data_gen_);
  batches_per_epoch_ = batches.batches_per_epoch();
  DataParallel* dp = data_parallel_.get();
  if (dp) {
    if (train.size() < dp->size())
      throw dist::JobError(fmt::format(
          "data-parallel training over {} ranks needs at least one training example a rank, but "
          "the training set holds {}: run at most {} rank{}",
          dp->size(), train.size(), train.size(), train.size() > 1 ? "s" : ""));
    const int64_t shard = (train.size() + dp->size() - 1) / dp->size();
    batches_per_epoch_ = (shard + o.batch_size - 1) / o.batch_size;
    dp->broadcast_model(model_);  // after a resume too: the ranks restored the same checkpoint
  }
  if (Pipeline* pp = pipeline_.get()) {
    pp->check_fit(o.batch_size, train.graphs != nullptr, !regularization_.empty(), clip_norm_ > 0);
    pp->broadcast_model();
  }
  const bool resuming = resume_pending_;
  resume_pending_ = false;
  if (resuming) {
    stop_training = progress_.stopped;
  } else {
    stop_training = false;
    progress_ = {};
    progress_.epoch = o.initial_epoch;
    history_ = {};
    start_epoch_progress();
  }
  for (auto* cb : callbacks) cb->on_train_begin(*this);
  Logs last = history_.epochs.empty() ? Logs{} : history_.epochs.back();
  while (progress_.epoch < o.epochs && !stop_training) {
    const int epoch = progress_.epoch;
    auto t0 = std::chrono::steady_clock::now();
    data_gen_.set_state(progress_.epoch_order_state);
    // Data-parallel: this rank's shard of the epoch, in DistributedSampler's order.
    std::optional<data::Dataset> shard;
    std::optional<data::BatchIterator> shard_batches;
    if (dp) {
      shard = train.subset(
          data::distributed_shard(train.size(), dp->rank(), dp->size(), o.seed, epoch, o.shuffle));
      shard->augment = train.augment;
      shard_batches.emplace(*shard, o.batch_size, false, data_gen_);
    }
    data::BatchIterator& epoch_batches = dp ? *shard_batches : batches;
    const int64_t epoch_rows = dp ? shard->size() : train.size();
    if (!dp) batches.reset();
    epoch_batches.seek(std::min(epoch_rows, progress_.batch * o.batch_size));
    for (size_t i = 0; i < metrics_.size(); ++i)
      metrics_[i]->load_state(progress_.metric_states[i]);
    if (progress_.batch == 0)  // a run resumed mid-epoch has already begun this epoch
      for (auto* cb : callbacks) cb->on_epoch_begin(*this, epoch);
    model_.train();
    const bool finished = run_batches(epoch_batches, callbacks);
    // Every stage's layers to every rank: validation, callbacks and the saved model see the
    // whole model (every rank ends its epoch's batches alike).
    if (pipeline_) pipeline_->synchronize();
    if (!finished) break;
    if (progress_.batch < batches_per_epoch_) break;  // a callback stopped mid-epoch
    Logs logs{{"loss", progress_.loss_sum / std::max<int64_t>(progress_.rows, 1)}};
    for (auto& m : metrics_) logs[m->name()] = m->value();
    if (val && val->size() > 0) {
      for (const auto& [k, v] : evaluate(*val, std::max<int64_t>(o.batch_size, 1024)))
        logs["val_" + k] = v;
      // A non-finite validation loss would make every later comparison false: no best model,
      // no early stop. Stop as for the training loss (this epoch's logs are not recorded).
      if (!std::isfinite(logs["val_loss"]))
        throw std::runtime_error(fmt::format(
            "the validation loss became {} at epoch {} (the training loss was {:.6g}): the "
            "model overflows on the validation data, or that data holds a non-finite value; "
            "training stopped (checkpoints already written are intact)",
            logs["val_loss"], epoch + 1, logs["loss"]));
    }
    logs["time_s"] = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    logs["lr"] = optimizer_.lr();
    if (o.verbose)
      fmt::print("epoch {}/{}  {}  {:.2f}s\n", epoch + 1, o.epochs, format_logs(logs),
                 logs["time_s"]);
    history_.epochs.push_back(logs);
    last = logs;
    // From here the loop stands at the start of the next epoch (what a checkpoint records).
    progress_.epoch = epoch + 1;
    start_epoch_progress();
    for (auto* cb : callbacks) cb->on_epoch_end(*this, epoch, logs);
    progress_.stopped = stop_training;
  }
  for (auto* cb : callbacks) cb->on_train_end(*this, last);
  return history_;
}

void Trainer::adapt_normalization(const data::Dataset& train) {
  nn::adapt_normalization(model_, [&](const nn::BatchVisitor& visit) {
    Generator unused;
    data::BatchIterator batches(train, 4096, false, unused);
    TensorDict batch;
    while (batches.next(batch)) visit(batch);
  });
}

Logs Trainer::evaluate(const data::Dataset& d, int64_t batch_size) {
  NoGradGuard ng;
  bool was_training = model_.is_training();
  model_.eval();
  std::vector<std::vector<double>> saved;  // evaluate() mid-epoch must not disturb the sums
  for (auto& m : metrics_) saved.push_back(m->state());
  for (auto& m : metrics_) m->reset();
  double loss_sum = 0;
  int64_t rows = 0;
  Generator unused;
  data::BatchIterator batches(d, batch_size, false, unused);
  TensorDict batch;
  while (batches.next(batch)) {
    const Tensor& x = batch.get("x");
    const Tensor& y = batch.get("y");
    Tensor pred = model_.forward_batch(batch);
    loss_sum += loss_(pred, y).item() * x.shape()[0];
    rows += x.shape()[0];
    for (auto& m : metrics_) m->update(pred, y);
  }
  model_.train(was_training);
  double penalty = regularization_.empty() ? 0.0 : regularization_.value();
  Logs logs{{"loss", loss_sum / std::max<int64_t>(rows, 1) + penalty}};
  for (auto& m : metrics_) logs[m->name()] = m->value();
  for (size_t i = 0; i < metrics_.size(); ++i) metrics_[i]->load_state(saved[i]);
  return logs;
}

Tensor predict(nn::Module& model, const Tensor& x, int64_t batch_size) {
  NoGradGuard ng;
  bool was_training = model.is_training();
  model.eval();
  std::vector<Tensor> parts;
  for (int64_t at = 0; at < x.shape()[0]; at += batch_size)
    parts.push_back(model(slice(x, 0, at, std::min(x.shape()[0], at + batch_size))));
  model.train(was_training);
  return parts.size() == 1 ? parts[0] : concat(parts, 0);
}

Tensor Trainer::predict(const Tensor& x, int64_t batch_size) {
  return train::predict(model_, x, batch_size);
}

}  // namespace scidl::train
