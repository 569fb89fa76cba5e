// model.fit: the Trainer's fit loop with the GIL released, the run's own callbacks (built from
// the same [[callbacks]] tables a config holds), and one bridge back into Python that polls for
// Ctrl-C, calls the user's Python callbacks and prints a notebook's epoch lines.
#include <pybind11/stl.h>

#include <chrono>
#include <filesystem>

#include <fmt/format.h>

#include "config_document.h"
#include "model.h"
#include "scidl/train/callback_config.h"
#include "scidl/train/callbacks/progress_bar.h"
#include "scidl/train/data_checks.h"
#include "scidl/train/input_range.h"
#include "scidl/train/run_config.h"

namespace scidl::python {

namespace {

using namespace pybind11::literals;

// Everything fit does in Python, from the training thread: each call takes the GIL for its
// length only. A SIGINT (Ctrl-C, a notebook's interrupt) or an exception in a Python callback
// stops training after the batch in progress, as the CLI's stop request does (the checkpoint
// writer's stop, train/checkpoint.h); fit then raises it.
class PythonBridge : public train::Callback {
 public:
  PythonBridge(py::object dispatcher, bool print_epochs)
      : dispatcher_(std::move(dispatcher)), print_epochs_(print_epochs) {
    wants_batches_ = !dispatcher_.is_none() && dispatcher_.attr("wants_batches").cast<bool>();
  }

  void on_train_begin(train::Trainer& t) override {
    if (dispatcher_.is_none()) return;
    py::gil_scoped_acquire gil;
    call_locked(t, "on_train_begin", py::tuple());
  }
  void on_epoch_begin(train::Trainer& t, int epoch) override {
    if (dispatcher_.is_none()) return;
    py::gil_scoped_acquire gil;
    call_locked(t, "on_epoch_begin", py::make_tuple(epoch));
  }
  void on_batch_end(train::Trainer& t, int64_t step, const train::Logs& logs) override {
    // Signals are polled at most every 50 ms: taking the GIL each batch of a small network would
    // cost a measurable share of its step.
    const auto now = std::chrono::steady_clock::now();
    if (!wants_batches_ && now - last_poll_ < std::chrono::milliseconds(50)) return;
    last_poll_ = now;
    py::gil_scoped_acquire gil;
    if (PyErr_CheckSignals() != 0) return stop(t);
    if (wants_batches_) call_locked(t, "on_batch_end", py::make_tuple(step, logs_to_python(logs)));
  }
  void on_epoch_end(train::Trainer& t, int epoch, const train::Logs& logs) override {
    py::gil_scoped_acquire gil;
    if (print_epochs_) {  // one line per epoch: a notebook cell shows it, nothing is redrawn
      py::print(
          fmt::format("epoch {}/{}  {}  {:.2f}s", epoch + 1, t.epochs(), train::format_logs(logs),
                      logs.count("time_s") ? logs.at("time_s") : 0.0),
          "flush"_a = true);
    }
    if (PyErr_CheckSignals() != 0) return stop(t);
    call_locked(t, "on_epoch_end", py::make_tuple(epoch, logs_to_python(logs)));
  }
  void on_train_end(train::Trainer& t, const train::Logs& logs) override {
    if (dispatcher_.is_none()) return;
    py::gil_scoped_acquire gil;
    call_locked(t, "on_train_end", py::make_tuple(logs_to_python(logs)));
  }

  // The Python error that stopped training (KeyboardInterrupt, or a callback's), if any.
  bool failed() const { return error_.has_value(); }
  void restore_error() {
    error_->restore();
    error_.reset();
  }

 private:
  // With the GIL held.
  void call_locked(train::Trainer& t, const char* name, py::tuple args) {
    if (dispatcher_.is_none() || error_) return;
    try {
      if (dispatcher_.attr(name)(*args).cast<bool>()) t.stop_training = true;  // True: stop
    } catch (py::error_already_set& e) {
      error_ = std::move(e);
      t.stop_training = true;
    }
  }
  void stop(train::Trainer& t) {
    if (!error_) error_ = py::error_already_set();  // takes the KeyboardInterrupt now set
    t.stop_training = true;
  }

  py::object dispatcher_;
  bool print_epochs_;
  bool wants_batches_ = false;
  std::optional<py::error_already_set> error_;
  std::chrono::steady_clock::time_point last_poll_{};
};

// The [[callbacks]] tables (dicts), checked and built as `scidl train` builds a config's, with
// relative paths under the working directory.
std::vector<std::unique_ptr<train::Callback>> config_callbacks(const Model& m, py::handle configs,
                                                               bool has_validation) {
  nlohmann::json root = {{"callbacks", json_from_python(configs, "callbacks")}};
  if (root["callbacks"].empty()) return {};
  io::ConfigDocument doc = config_document(root, "fit(callbacks=...)");
  train::RunConfig run;  // only for the names the run logs
  run.training.metrics = m.metrics;
  run.data.validation_split = has_validation ? 0.1 : 0;
  const auto specs = train::parse_callbacks(doc, train::logged_names(run));
  return train::make_callbacks(specs, std::filesystem::current_path(), m.saved_spec, {},
                               has_validation);
}

// The training and validation data as the model takes them, its Normalization layers adapted
// to the training data (as `scidl train` has them), and both checked as `scidl train` checks a
// run's data: finite values, targets that fit the loss and the outputs.
struct FitData {
  data::Dataset train;
  std::optional<data::Dataset> validation;
};

FitData fit_data(Model& m, py::handle x, py::handle y, py::handle validation_x,
                 py::handle validation_y) {
  FitData d;
  d.train.x = m.inputs(x, "x");
  d.train.y = m.targets(y, "y", d.train.x.shape()[0]);
  if (!validation_x.is_none()) {
    d.validation.emplace();
    d.validation->x = m.inputs(validation_x, "validation_data[0]");
    d.validation->y = m.targets(validation_y, "validation_data[1]", d.validation->x.shape()[0]);
  }
  {
    py::gil_scoped_release release;
    m.trainer->adapt_normalization(d.train);
  }
  const train::LossFn loss = train::make_loss(m.loss);
  const bool class_targets = train::loss_takes_class_indices(m.loss);
  train::check_data_fits_model(*m.module, loss, class_targets, d.train, "the data (x, y)");
  if (d.validation)
    train::check_data_fits_model(*m.module, loss, class_targets, *d.validation, "validation_data");
  return d;
}

}  // namespace

py::object fit(Model& m, py::handle x, py::handle y, py::handle validation_x,
               py::handle validation_y, int epochs, int64_t batch_size, bool shuffle, uint64_t seed,
               int initial_epoch, py::handle callback_configs, py::handle python_callbacks,
               const std::string& progress) {
  m.require_compiled("fit");
  if (epochs < 1) throw py::value_error(fmt::format("epochs must be >= 1, got {}", epochs));
  if (batch_size < 1)
    throw py::value_error(fmt::format("batch_size must be >= 1, got {}", batch_size));
  FitData data = fit_data(m, x, y, validation_x, validation_y);
  const data::Dataset* validation = data.validation ? &*data.validation : nullptr;
  m.saved_spec = train::spec_with_input_range(m.spec, data.train);

  std::vector<std::unique_ptr<train::Callback>> owned;
  if (progress == "bar")
    owned.push_back(
        std::make_unique<train::ProgressBar>(stdout, train::ProgressBar::Style::terminal));
  auto bridge_owner = std::make_unique<PythonBridge>(
      py::reinterpret_borrow<py::object>(python_callbacks), progress == "lines");
  PythonBridge& bridge = *bridge_owner;
  owned.push_back(std::move(bridge_owner));
  for (auto& cb : config_callbacks(m, callback_configs, validation != nullptr))
    owned.push_back(std::move(cb));
  std::vector<train::Callback*> callbacks;
  for (auto& cb : owned) callbacks.push_back(cb.get());

  train::FitOptions options;
  options.epochs = epochs;
  options.batch_size = batch_size;
  options.shuffle = shuffle;
  options.seed = seed;
  options.verbose = false;  // the progress bar or the bridge prints the epoch lines
  options.initial_epoch = initial_epoch;
  train::History history;
  {
    py::gil_scoped_release release;
    history = m.trainer->fit(data.train, validation, options, callbacks);
  }
  if (progress == "bar") std::fflush(stdout);
  if (bridge.failed()) {
    bridge.restore_error();
    throw py::error_already_set();
  }
  py::list epochs_logs;
  for (const auto& logs : history.epochs) epochs_logs.append(logs_to_python(logs));
  py::dict result;
  result["epochs"] = epochs_logs;
  result["stopped_because"] = m.trainer->termination_reason();
  return result;
}

}  // namespace scidl::python
