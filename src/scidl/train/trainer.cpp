#include "scidl/train/trainer.h"

#include <fmt/format.h>

#include <chrono>
#include <cmath>

#include "scidl/autograd/grad_mode.h"
#include "scidl/ops/shape_ops.h"

namespace scidl::train {

NonFiniteLossError::NonFiniteLossError(int e, int64_t b, double v)
    : std::runtime_error(fmt::format(
          "the loss became {} at epoch {}, batch {}; training stopped before this step changed "
          "the weights (checkpoints already written are intact). Lower the learning rate, "
          "normalise the data, or clip gradients.",
          v, e + 1, b + 1)),
      epoch(e),
      batch(b) {}

Trainer::Trainer(nn::Module& model, optim::Optimizer& optimizer, LossFn loss,
                 std::vector<std::string> metrics)
    : model_(model), optimizer_(optimizer), loss_(std::move(loss)) {
  for (const auto& m : metrics) metrics_.push_back(make_metric(m));
}

std::string format_logs(const Logs& logs) {
  std::string out;
  auto add = [&](const std::string& k, double v) {
    out += fmt::format("{}{} {:.6g}", out.empty() ? "" : "  ", k, v);
  };
  // Training values first, then validation, like Keras.
  for (const auto& [k, v] : logs)
    if (k.rfind("val_", 0) != 0 && k != "time_s" && k != "lr") add(k, v);
  for (const auto& [k, v] : logs)
    if (k.rfind("val_", 0) == 0) add(k, v);
  return out;
}

History Trainer::fit(const data::Dataset& train, const data::Dataset* val,
                     const FitOptions& o, const std::vector<Callback*>& callbacks) {
  train.validate("training data");
  if (val) val->validate("validation data");
  if (train.size() == 0) throw std::invalid_argument("fit: the training set is empty");
  History history;
  stop_training = false;
  if (o.initial_epoch == 0) data_gen_.seed_(o.seed);
  data::BatchIterator batches(train, o.batch_size, o.shuffle, data_gen_);
  for (auto* cb : callbacks) cb->on_train_begin(*this);
  Logs last;
  for (epoch_ = o.initial_epoch; epoch_ < o.epochs && !stop_training; ++epoch_) {
    auto t0 = std::chrono::steady_clock::now();
    for (auto* cb : callbacks) cb->on_epoch_begin(*this, epoch_);
    model_.train();
    for (auto& m : metrics_) m->reset();
    double loss_sum = 0;
    int64_t rows = 0, batch_index = 0;
    batches.reset();
    Tensor x, y;
    while (batches.next(x, y)) {
      optimizer_.zero_grad();
      Tensor pred = model_(x);
      Tensor loss = loss_(pred, y);
      double lv = loss.item();
      if (!std::isfinite(lv)) throw NonFiniteLossError(epoch_, batch_index, lv);
      loss.backward();
      optimizer_.step();
      for (auto& m : metrics_) m->update(pred.detach(), y);
      loss_sum += lv * x.shape()[0];
      rows += x.shape()[0];
      ++global_step_;
      if (!callbacks.empty()) {
        Logs b{{"loss", lv}};
        for (auto* cb : callbacks) cb->on_batch_end(*this, global_step_, b);
      }
      ++batch_index;
    }
    Logs logs{{"loss", loss_sum / std::max<int64_t>(rows, 1)}};
    for (auto& m : metrics_) logs[m->name()] = m->value();
    if (val && val->size() > 0)
      for (const auto& [k, v] : evaluate(*val, std::max<int64_t>(o.batch_size, 1024))) logs["val_" + k] = v;
    logs["time_s"] = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    logs["lr"] = optimizer_.lr();
    if (o.verbose)
      fmt::print("epoch {}/{}  {}  {:.2f}s\n", epoch_ + 1, o.epochs, format_logs(logs), logs["time_s"]);
    history.epochs.push_back(logs);
    last = logs;
    for (auto* cb : callbacks) cb->on_epoch_end(*this, epoch_, logs);
  }
  for (auto* cb : callbacks) cb->on_train_end(*this, last);
  return history;
}

Logs Trainer::evaluate(const data::Dataset& d, int64_t batch_size) {
  NoGradGuard ng;
  bool was_training = model_.is_training();
  model_.eval();
  for (auto& m : metrics_) m->reset();
  double loss_sum = 0;
  int64_t rows = 0;
  Generator unused;
  data::BatchIterator batches(d, batch_size, false, unused);
  Tensor x, y;
  while (batches.next(x, y)) {
    Tensor pred = model_(x);
    loss_sum += loss_(pred, y).item() * x.shape()[0];
    rows += x.shape()[0];
    for (auto& m : metrics_) m->update(pred, y);
  }
  model_.train(was_training);
  Logs logs{{"loss", loss_sum / std::max<int64_t>(rows, 1)}};
  for (auto& m : metrics_) logs[m->name()] = m->value();
  return logs;
}

Tensor Trainer::predict(const Tensor& x, int64_t batch_size) {
  NoGradGuard ng;
  bool was_training = model_.is_training();
  model_.eval();
  std::vector<Tensor> parts;
  for (int64_t at = 0; at < x.shape()[0]; at += batch_size)
    parts.push_back(model_(slice(x, 0, at, std::min(x.shape()[0], at + batch_size))));
  model_.train(was_training);
  return parts.size() == 1 ? parts[0] : concat(parts, 0);
}

}  // namespace scidl::train
