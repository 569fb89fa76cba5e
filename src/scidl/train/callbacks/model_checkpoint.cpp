#include "scidl/train/callbacks/model_checkpoint.h"

#include <fmt/args.h>
#include <fmt/format.h>

#include "scidl/nn/model_io.h"
#include "scidl/train/callbacks/state_codec.h"
#include "scidl/train/trainer.h"

namespace scidl::train {

ModelCheckpoint::ModelCheckpoint(ModelCheckpointOptions o, nlohmann::json spec)
    : options_(std::move(o)),
      spec_(std::move(spec)),
      monitor_(options_.monitor, options_.mode, "model_checkpoint") {
  if (options_.every_n_epochs < 1)
    throw std::invalid_argument(fmt::format("model_checkpoint: every_n_epochs must be >= 1, got {}",
                                            options_.every_n_epochs));
  best_ = options_.initial_value_threshold.value_or(monitor_.worst());
}

std::filesystem::path ModelCheckpoint::path_for(int epoch, const Logs& logs) const {
  fmt::dynamic_format_arg_store<fmt::format_context> args;
  args.push_back(fmt::arg("epoch", epoch + 1));
  for (const auto& [k, v] : logs) args.push_back(fmt::arg(k.c_str(), v));
  try {
    return fmt::vformat(options_.filepath, args);
  } catch (const fmt::format_error& e) {
    std::vector<std::string> names{"epoch"};
    for (const auto& [k, v] : logs) names.push_back(k);
    throw std::invalid_argument(fmt::format(
        "model_checkpoint: cannot format filepath '{}' ({}); fields may be {} with Python-style "
        "specs such as {{epoch:03d}} or {{val_loss:.4f}}",
        options_.filepath, e.what(), fmt::join(names, ", ")));
  }
}

void ModelCheckpoint::on_epoch_end(Trainer& t, int epoch, const Logs& logs) {
  if (++epochs_since_last_save_ < options_.every_n_epochs) return;
  epochs_since_last_save_ = 0;
  auto path = path_for(epoch, logs);
  nlohmann::json meta = {{"epoch", epoch + 1}};
  if (options_.save_best_only) {
    double current = monitor_.value_in(logs, epoch);
    if (!monitor_.improves(current, best_)) {
      if (options_.verbose > 0)
        fmt::print("Epoch {}: {} did not improve from {:.5f}\n", epoch + 1, options_.monitor,
                   best_);
      return;
    }
    if (options_.verbose > 0)
      fmt::print("Epoch {}: {} improved from {:.5f} to {:.5f}, saving model to {}\n", epoch + 1,
                 options_.monitor, best_, current, path.string());
    best_ = current;
    meta["monitor"] = options_.monitor;
    meta["monitor_value"] = current;
  } else if (options_.verbose > 0) {
    fmt::print("Epoch {}: saving model to {}\n", epoch + 1, path.string());
  }
  if (!path.parent_path().empty()) std::filesystem::create_directories(path.parent_path());
  io::save_model(path, t.model(), spec_, meta);
}

CallbackState ModelCheckpoint::state() const {
  CallbackState s;
  s.values = {{"best", encode_double(best_)}, {"epochs_since_last_save", epochs_since_last_save_}};
  return s;
}

void ModelCheckpoint::load_state(const CallbackState& s) {
  best_ = decode_double(s.values.at("best"));
  epochs_since_last_save_ = s.values.at("epochs_since_last_save").get<int>();
}

}  // namespace scidl::train
