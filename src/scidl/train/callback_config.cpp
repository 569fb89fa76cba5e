#include "scidl/train/callback_config.h"

#include <fmt/format.h>

#include <toml++/toml.h>
#include <algorithm>

#include "scidl/io/nearest_name.h"
#include "scidl/train/callbacks/csv_logger.h"
#include "scidl/train/callbacks/terminate_on_nan.h"
#include "scidl/train/config_keys.h"

namespace scidl::train {

namespace {

void check_monitor(io::ConfigSection& s, const std::string& key, const std::string& monitor,
                   const std::string& mode, const std::vector<std::string>& logged) {
  if (std::find(logged.begin(), logged.end(), monitor) == logged.end())
    s.fail(key, fmt::format("is '{}', which this run never logs; choose one of {}", monitor,
                            fmt::join(logged, ", ")));
  try {
    Monitor probe(monitor, mode, s.key_path(""));
    (void)probe;
  } catch (const std::invalid_argument&) {
    s.fail("mode",
           fmt::format("is 'auto' but the direction of '{}' is unknown; set mode to 'min' or 'max'",
                       monitor));
  }
}

std::string mode_of(io::ConfigSection& s) {
  return s.choice("mode", {"auto", "min", "max"}).value_or("auto");
}

int non_negative(io::ConfigSection& s, const std::string& key, int fallback) {
  auto v = s.integer(key);
  if (!v) return fallback;
  if (*v < 0) s.fail(key, fmt::format("must be an integer >= 0, got {}", *v));
  return static_cast<int>(*v);
}

void parse_early_stopping(io::ConfigSection& s, EarlyStoppingOptions& o,
                          const std::vector<std::string>& logged) {
  o.monitor = s.string("monitor").value_or(o.monitor);
  o.min_delta = s.number("min_delta").value_or(o.min_delta);
  o.patience = non_negative(s, "patience", o.patience);
  o.verbose = non_negative(s, "verbose", o.verbose);
  o.mode = mode_of(s);
  o.baseline = s.number("baseline");
  o.restore_best_weights = s.boolean("restore_best_weights").value_or(o.restore_best_weights);
  o.start_from_epoch = non_negative(s, "start_from_epoch", o.start_from_epoch);
  check_monitor(s, "monitor", o.monitor, o.mode, logged);
}

void parse_model_checkpoint(io::ConfigSection& s, ModelCheckpointOptions& o,
                            const std::vector<std::string>& logged) {
  auto path = s.string("filepath");
  if (!path)
    s.missing("filepath", "the model file to write, e.g. \"checkpoints/epoch{epoch:03d}.scidl\"");
  o.filepath = *path;
  o.monitor = s.string("monitor").value_or(o.monitor);
  o.mode = mode_of(s);
  o.save_best_only = s.boolean("save_best_only").value_or(o.save_best_only);
  o.every_n_epochs = non_negative(s, "every_n_epochs", o.every_n_epochs);
  if (o.every_n_epochs < 1) s.fail("every_n_epochs", "must be at least 1");
  o.verbose = non_negative(s, "verbose", o.verbose);
  o.initial_value_threshold = s.number("initial_value_threshold");
  if (o.save_best_only) check_monitor(s, "monitor", o.monitor, o.mode, logged);
}

void parse_tensorboard(io::ConfigSection& s, TensorBoardOptions& o) {
  o.log_dir = s.string("log_dir").value_or("tensorboard");
  // update_freq: "epoch" (Keras's default), "batch" (every step) or a number of steps.
  if (auto v = s.json("update_freq")) {
    if (v->is_string() && *v == "epoch")
      o.update_freq = 0;
    else if (v->is_string() && *v == "batch")
      o.update_freq = 1;
    else if (v->is_number_integer() && v->get<int64_t>() >= 1)
      o.update_freq = v->get<int64_t>();
    else
      s.fail(
          "update_freq",
          fmt::format("is {}; expected \"epoch\", \"batch\" or a number of steps >= 1", v->dump()));
  }
  o.histogram_freq = non_negative(s, "histogram_freq", o.histogram_freq);
  o.write_model_summary = s.boolean("write_model_summary").value_or(true);
  o.write_graph = s.boolean("write_graph").value_or(o.write_graph);
  o.write_images = s.boolean("write_images").value_or(o.write_images);
  o.image_freq = non_negative(s, "image_freq", o.image_freq);
  o.hparams_enabled = s.boolean("hparams").value_or(true);
}

void parse_csv_logger(io::ConfigSection& s, CsvLoggerSpec& o) {
  o.filename = s.string("filename").value_or(o.filename);
  o.separator = s.string("separator").value_or(o.separator);
  if (o.separator.size() != 1)
    s.fail("separator", fmt::format("must be one character, got '{}'", o.separator));
  o.append = s.boolean("append").value_or(o.append);
}

}  // namespace

const std::vector<std::string>& callback_types() {
  static const std::vector<std::string> types{"early_stopping", "model_checkpoint", "tensorboard",
                                              "csv_logger", "terminate_on_nan"};
  return types;
}

std::vector<CallbackSpec> parse_callbacks(io::ConfigDocument& doc,
                                          const std::vector<std::string>& logged) {
  std::vector<CallbackSpec> specs;
  const toml::node* node = doc.table->get("callbacks");
  if (!node) return specs;
  const toml::array* list = node->as_array();
  if (!list || !list->is_array_of_tables())
    throw io::ConfigError(fmt::format(
        "{}: 'callbacks' must be a list of tables, one per callback: [[callbacks]] then type = "
        "\"early_stopping\" (types: {})",
        doc.file, fmt::join(callback_types(), ", ")));
  for (size_t i = 0; i < list->size(); ++i) {
    CallbackSpec spec;
    spec.where = fmt::format("callbacks[{}]", i);
    io::ConfigSection s(list->get(i)->as_table(), spec.where, doc.file, &callback_keys());
    auto type = s.string("type");
    if (!type)
      s.missing("type", fmt::format("choose one of {}", fmt::join(callback_types(), ", ")));
    if (std::find(callback_types().begin(), callback_types().end(), *type) ==
        callback_types().end())
      s.fail("type", fmt::format("is '{}', not a known callback; choose one of {}{}", *type,
                                 fmt::join(callback_types(), ", "),
                                 io::did_you_mean(*type, callback_types())));
    spec.type = *type;
    s.use_keys(callback_keys(spec.type));
    if (spec.type == "early_stopping")
      parse_early_stopping(s, spec.early_stopping, logged);
    else if (spec.type == "model_checkpoint")
      parse_model_checkpoint(s, spec.model_checkpoint, logged);
    else if (spec.type == "tensorboard")
      parse_tensorboard(s, spec.tensorboard);
    else if (spec.type == "csv_logger")
      parse_csv_logger(s, spec.csv_logger);
    s.finish();
    specs.push_back(spec);
  }
  return specs;
}

std::vector<std::unique_ptr<Callback>> make_callbacks(const std::vector<CallbackSpec>& specs,
                                                      const std::filesystem::path& run_dir,
                                                      const nlohmann::json& model_spec,
                                                      const io::HParamMap& hparams,
                                                      bool has_validation) {
  auto under_run = [&](const std::filesystem::path& p) {
    return p.is_absolute() ? p : run_dir / p;
  };
  std::vector<std::unique_ptr<Callback>> out;
  for (const auto& spec : specs) {
    if (spec.type == "early_stopping") {
      auto cb = std::make_unique<EarlyStopping>(spec.early_stopping);
      cb->set_state_key(spec.where + ":early_stopping");
      out.push_back(std::move(cb));
    } else if (spec.type == "model_checkpoint") {
      auto o = spec.model_checkpoint;
      o.filepath = under_run(o.filepath).string();
      auto cb = std::make_unique<ModelCheckpoint>(o, model_spec);
      cb->set_state_key(spec.where + ":model_checkpoint");
      out.push_back(std::move(cb));
    } else if (spec.type == "tensorboard") {
      auto o = spec.tensorboard;
      o.log_dir = under_run(o.log_dir);
      if (o.hparams_enabled) o.hparams = hparams;
      o.has_validation = has_validation;
      out.push_back(std::make_unique<TensorBoard>(o));
    } else if (spec.type == "csv_logger") {
      out.push_back(std::make_unique<CSVLogger>(under_run(spec.csv_logger.filename),
                                                spec.csv_logger.separator[0],
                                                spec.csv_logger.append));
    } else if (spec.type == "terminate_on_nan") {
      out.push_back(std::make_unique<TerminateOnNaN>());
    }
  }
  return out;
}

}  // namespace scidl::train
