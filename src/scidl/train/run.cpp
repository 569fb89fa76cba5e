#include "scidl/train/run.h"

#include <fmt/format.h>

#include <cmath>
#include <fstream>
#include <optional>

#include "scidl/autograd/grad_mode.h"
#include "scidl/data/augment.h"
#include "scidl/data/csv.h"
#include "scidl/io/file_io.h"
#include "scidl/nn/model_io.h"
#include "scidl/nn/model_spec.h"
#include "scidl/ops/shape_ops.h"
#include "scidl/optim/lr_schedule.h"
#include "scidl/optim/regularization.h"
#include "scidl/train/callback_config.h"
#include "scidl/train/callbacks/csv_logger.h"
#include "scidl/train/callbacks/lr_schedule_callback.h"
#include "scidl/train/callbacks/lr_warmup.h"
#include "scidl/train/callbacks/progress_bar.h"
#include "scidl/train/checkpoint.h"
#include "scidl/train/data_checks.h"
#include "scidl/train/data_parallel.h"
#include "scidl/train/input_range.h"
#include "scidl/train/model_table.h"
#include "scidl/train/pipeline.h"
#include "scidl/train/run_checks.h"
#include "scidl/train/run_config_toml.h"
#include "scidl/train/run_folder.h"
#include "scidl/train/run_lock.h"
#include "scidl/train/run_outputs.h"
#include "scidl/train/validation_split.h"

namespace scidl::train {

namespace {

// The config as a run folder stores it; output.dir is where the run is, not what it is, and
// training.init_from only where its first weights came from (a resume takes the checkpoint's).
// Data paths compare as the files they name ("../d/x.csv" from here is "/w/d/x.csv"): a
// run's config.toml holds them absolute.
nlohmann::json comparable(nlohmann::json j) {
  if (j.contains("output")) j["output"].erase("dir");
  if (j.contains("training")) j["training"].erase("init_from");
  if (!j.contains("data")) return j;
  for (const char* key : {"x", "y", "groups", "images", "labels", "path", "validation"}) {
    auto& p = j["data"][key];
    if (p.is_string() && !p.get<std::string>().empty() && p != "test")  // "test": a source's set
      p = std::filesystem::absolute(p.get<std::string>()).lexically_normal().string();
  }
  return j;
}

io::HParamMap hparams_of(const RunConfig& c, const nn::Module& model) {
  io::HParamMap h;
  h["seed"] = static_cast<double>(c.seed);
  h["optimizer"] = c.optimizer.type;
  h["lr"] = c.optimizer.lr;
  h["weight_decay"] = c.optimizer.weight_decay;
  h["momentum"] = c.optimizer.momentum;
  h["batch_size"] = static_cast<double>(c.training.batch_size);
  h["epochs"] = static_cast<double>(c.training.epochs);
  h["loss"] = c.training.loss;
  h["parameters"] = static_cast<double>(model.parameter_count());
  h["layers"] = c.model.contains("layers") ? c.model["layers"].dump() : std::string();
  return h;
}

void write_confusion_matrix(const std::filesystem::path& path, Trainer& trainer,
                            const data::Dataset& d) {
  Tensor scores = trainer.predict(d.x);
  ConfusionMatrix cm(scores.shape()[1]);
  cm.update(scores, d.y);
  std::vector<std::string> names{"true_class"};
  for (int64_t c = 0; c < cm.classes(); ++c) names.push_back(fmt::format("predicted_{}", c));
  std::vector<double> values;
  for (int64_t r = 0; r < cm.classes(); ++r) {
    values.push_back(static_cast<double>(r));
    for (int64_t c = 0; c < cm.classes(); ++c)
      values.push_back(static_cast<double>(cm.count(r, c)));
  }
  data::write_csv(path, names, cm.classes(), cm.classes() + 1, values.data());
}

// What a message calls the data a config loads.
std::string data_description(const DataSpec& spec) {
  if (spec.source == "fashion_mnist") return "the Fashion-MNIST training set";
  if (spec.source == "idx")
    return fmt::format("the data ('{}', '{}')", spec.images.string(), spec.labels.string());
  if (spec.source == "csv" && !spec.table.empty())
    return fmt::format("the data ('{}')", spec.table.string());
  if (spec.source == "csv")
    return fmt::format("the data ('{}', '{}')", spec.x.string(), spec.y.string());
  return fmt::format("the {} data", spec.source);
}

std::runtime_error not_a_run(const std::filesystem::path& dir, const std::string& missing) {
  return std::runtime_error(fmt::format(
      "cannot resume '{}': it is not a scidl run folder ({}); pass the folder a `scidl train` "
      "run wrote (it holds config.json and checkpoint.scidl)",
      dir.string(), missing));
}

// An error between taking the folder and the new run's first model puts the replaced run back.
struct PutBackUnlessCommitted {
  RunFolderClaim& claim;
  const std::filesystem::path& dir;
  ~PutBackUnlessCommitted() {
    if (!claim.pending()) return;
    try {
      claim.restore();
      fmt::print(stderr, "scidl: '{}' holds the run it held before --overwrite, as it was\n",
                 dir.string());
    } catch (const std::exception& e) {
      fmt::print(stderr,
                 "scidl: putting back the run replaced in '{}' failed: {}; its files are in {}\n",
                 dir.string(), e.what(), (dir / RunFolderClaim::kReplacedFolder).string());
    }
  }
};

// Refuses to resume unless the folder is a run of the same config, training.epochs aside: that
// may change to no fewer than the epochs done (more extend a finished run). Takes the run's
// training.init_from, which only said where its first weights came from. Returns whether
// training.epochs changed.
bool check_resumable(RunConfig& c) {
  const auto& dir = c.output_dir;
  if (!std::filesystem::exists(dir / "config.json")) throw not_a_run(dir, "no config.json");
  if (!std::filesystem::exists(dir / "checkpoint.scidl"))
    throw not_a_run(dir,
                    "no checkpoint.scidl: the run stopped before its first checkpoint; start it "
                    "afresh");
  nlohmann::json stored;
  std::ifstream in(dir / "config.json");
  try {
    stored = nlohmann::json::parse(in);
  } catch (const std::exception& e) {
    throw not_a_run(dir, std::string("config.json does not parse: ") + e.what());
  }
  auto diffs = config_differences(comparable(stored), comparable(to_json(c)));
  const int stored_epochs = stored["training"].value("epochs", c.training.epochs);
  const bool epochs_changed = stored_epochs != c.training.epochs;
  if (diffs.size() > (epochs_changed ? 1u : 0u))
    throw std::runtime_error(fmt::format(
        "cannot resume '{}': it was trained with a different config than {}:\n  {}\nresume with "
        "the run's own config ({}/config.toml where the run has one; config.json lists every "
        "value), or start a new run; only training.epochs may change, to extend the run",
        dir.string(), c.source_name, fmt::join(diffs, "\n  "), dir.string()));
  c.training.init_from = stored["training"].value("init_from", std::string());
  if (!epochs_changed) return false;
  const CheckpointSummary done = read_checkpoint_summary(dir / "checkpoint.scidl");
  if (c.training.epochs < done.epoch)
    throw std::runtime_error(fmt::format(
        "cannot resume '{}' with training.epochs = {}: the run has done {} epochs already; set "
        "training.epochs to {} or more (more extend it)",
        dir.string(), c.training.epochs, done.epoch, done.epoch));
  if (done.stopped && c.training.epochs > stored_epochs)
    throw std::runtime_error(fmt::format(
        "cannot extend '{}': a callback stopped it after epoch {} (early stopping, or a "
        "non-finite loss), so further epochs would not run; start a new run from its weights "
        "instead: --init-from {}",
        dir.string(), done.epoch, (dir / "last.scidl").string()));
  return true;
}

// Starts the model from the weights of a model file: names and shapes must match the config's.
void load_initial_weights(nn::Module& model, const std::filesystem::path& file,
                          const std::string& config_name) {
  std::map<std::string, Tensor> weights;
  try {
    weights = io::load_model(file).model->state_dict();
  } catch (const std::exception& e) {
    throw std::invalid_argument(
        fmt::format("--init-from '{}': {}; nothing was written", file.string(), e.what()));
  }
  try {
    model.load_state_dict(weights);
  } catch (const std::invalid_argument& e) {
    std::string why = e.what();
    if (auto colon = why.find(": "); why.rfind("load_state_dict", 0) == 0) why.erase(0, colon + 2);
    throw std::invalid_argument(fmt::format(
        "--init-from '{}' does not fit the model of {}: {} (names and shapes must match, as "
        "`scidl weights` lists them); nothing was written",
        file.string(), config_name, why));
  }
}

// config.json and config.toml, written anew on a fresh start and when a resume changed the
// config (training.epochs).
void write_run_config(const std::filesystem::path& dir, const RunConfig& c,
                      const std::string& toml) {
  io::write_file_atomically(dir / "config.json",
                            to_json(with_absolute_paths(c, dir)).dump(2) + "\n");
  io::write_file_atomically(dir / "config.toml", toml);
}

// The optimizer at `lr`, so that a schedule made from it starts there (its base rate).
optim::Optimizer& with_rate(optim::Optimizer& optimizer, double lr) {
  optimizer.set_lr(lr);
  return optimizer;
}

// Goyal et al.'s warm-up from optimizer.lr to the scaled rate, when the config asks for one:
// the rate of the first step is optimizer.lr (set here, after any schedule took the scaled one
// as its base).
std::unique_ptr<Callback> lr_warmup(const RunConfig& c, Trainer& trainer,
                                    const data::Dataset& train, double scaled_lr) {
  if (c.training.lr_warmup_epochs <= 0) return nullptr;
  const int ranks = trainer.communicator() ? trainer.communicator()->size() : 1;
  const int64_t shard = (train.size() + ranks - 1) / ranks;
  const int64_t per_epoch = (shard + c.training.batch_size - 1) / c.training.batch_size;
  trainer.optimizer().set_lr(c.optimizer.lr);
  return std::make_unique<LrWarmup>(
      c.optimizer.lr, scaled_lr,
      std::max<int64_t>(1, std::llround(c.training.lr_warmup_epochs * double(per_epoch))));
}

FitOptions fit_options(const RunConfig& c) {
  FitOptions fo;
  fo.epochs = c.training.epochs;
  fo.batch_size = c.training.batch_size;
  fo.shuffle = c.training.shuffle;
  fo.seed = c.seed;
  fo.verbose = false;  // the ProgressBar prints the epoch lines
  return fo;
}

// A data-parallel rank other than 0: the same training with the callbacks that decide (they
// see the job's logs, so they decide as rank 0's do), and nothing written or printed.
RunResult train_without_writing(const RunConfig& c, const RunOptions& options, Trainer& trainer,
                                const data::Dataset& train, const data::Dataset* val,
                                double scaled_lr) {
  std::vector<CallbackSpec> deciding;
  for (const auto& spec : c.callbacks)
    if (spec.type == "early_stopping" || spec.type == "terminate_on_nan") {
      deciding.push_back(spec);
      deciding.back().early_stopping.verbose = 0;  // rank 0's says it
    }
  std::vector<std::unique_ptr<Callback>> owned =
      make_callbacks(deciding, c.output_dir, nlohmann::json::object(), {}, val != nullptr);
  if (!c.lr_schedule.is_null())
    owned.push_back(std::make_unique<LrScheduleCallback>(
        optim::make_lr_schedule(c.lr_schedule, with_rate(trainer.optimizer(), scaled_lr)),
        c.lr_schedule_monitor));
  if (auto warmup = lr_warmup(c, trainer, train, scaled_lr)) owned.push_back(std::move(warmup));
  std::vector<Callback*> callbacks;
  for (auto& cb : owned) callbacks.push_back(cb.get());
  for (Callback* cb : options.extra_callbacks) callbacks.push_back(cb);
  if (options.resume)
    restore_training_checkpoint(c.output_dir / "checkpoint.scidl", trainer, callbacks);
  RunResult result;
  result.history = trainer.fit(train, val, fit_options(c), callbacks);
  result.stopped_because = trainer.termination_reason();
  return result;
}

}  // namespace

void flatten_config(const nlohmann::json& j, const std::string& prefix,
                    std::map<std::string, std::string>& out) {
  if (j.is_object() && !j.empty()) {
    for (const auto& [k, v] : j.items())
      flatten_config(v, prefix.empty() ? k : prefix + "." + k, out);
  } else {
    out[prefix] = j.dump();
  }
}

std::vector<std::string> config_differences(const nlohmann::json& run, const nlohmann::json& now) {
  std::map<std::string, std::string> a, b;
  flatten_config(run, "", a);
  flatten_config(now, "", b);
  std::vector<std::string> out;
  for (const auto& [k, v] : a) {
    auto it = b.find(k);
    if (it == b.end())
      out.push_back(fmt::format("{}: {} in the run, absent now", k, v));
    else if (it->second != v)
      out.push_back(fmt::format("{}: {} in the run, {} now", k, v, it->second));
  }
  for (const auto& [k, v] : b)
    if (!a.count(k)) out.push_back(fmt::format("{}: absent in the run, {} now", k, v));
  return out;
}

RunResult run_training(const RunConfig& c, bool verbose) {
  RunOptions options;
  options.verbose = verbose;
  return run_training(c, options);
}

RunResult run_training(const RunConfig& config, const RunOptions& options) {
  dist::Communicator* const comm = options.communicator;
  // Rank 0 of a data-parallel job, or a run alone, writes; the other ranks only train.
  const bool writes = !comm || comm->rank() == 0;
  const bool verbose = options.verbose && writes;
  RunConfig c = config;
  const auto& dir = c.output_dir;
  if (comm)
    check_same_settings(*comm, [&] {
      nlohmann::json settings = to_json(c);
      settings["command"] = {{"resume", options.resume}, {"overwrite", options.overwrite}};
      return settings;
    }());
  if (options.resume && !std::filesystem::is_directory(dir)) throw not_a_run(dir, "no such folder");
  std::optional<RunFolderLock> lock;
  if (writes) {
    lock.emplace(RunFolderLock::acquire(dir, verbose, options.program));
    if (RunFolderClaim::recover_replaced_run(dir))
      fmt::print(stderr,
                 "scidl: '{}' held a run set aside by an --overwrite that ended before its first "
                 "model; that run is back as it was\n",
                 dir.string());
    if (!options.resume) RunFolderClaim::refuse_if_taken(dir, options.overwrite);
  }
  const bool extending = options.resume && check_resumable(c);
  // Every rank has read the run folder before rank 0 writes in it.
  if (comm) comm->all_gather(extending, "the ranks' start");
  manual_seed(c.seed);
  data::Dataset all = load_dataset(c.data, c.seed);
  for (const auto& [name, shape] : nn::model_inputs(c.model)) {
    if (name != "x" && !all.inputs.contains(name))
      throw std::invalid_argument(fmt::format(
          "{}: the model reads an input '{}' the data does not give; name its columns in "
          "[data] inputs = {{ {} = [\"column\", ...] }}",
          c.source_name, name, name));
    // CSV rows hold sequences ([steps, features]) and images flattened, as predict reads them.
    Tensor t = name == "x" ? (all.graphs ? all.graphs->x : all.x) : all.inputs.get(name);
    if (t.dim() == 2 && shape.size() > 1 && t.shape()[1] == numel_of(shape)) {
      Shape full{t.shape()[0]};
      full.insert(full.end(), shape.begin(), shape.end());
      t = reshape(t, full);
      if (name == "x" && !all.graphs)
        all.x = t;
      else
        all.inputs.set(name, t);
    }
    nn::check_input_shape({{"inputs", shape}}, t.shape(),
                          name == "x" ? c.source_name : c.source_name + " (input " + name + ")");
  }
  const Tensor& examples = all.graphs ? all.graphs->x : all.x;  // graphs: per node
  const Shape example_shape(examples.shape().begin() + 1, examples.shape().end());  // summary
  data::Split split;
  const data::Dataset* val = nullptr;
  if (c.data.validation_split > 0) {
    split = c.data.split == "group"
                ? data::split_by_group(all, c.data.validation_split, c.split_seed())
                : data::split_by_row(all, c.data.validation_split, c.split_seed());
    val = &split.validation;
  } else {
    split.train = all;
    if (!c.data.validation.empty()) {
      split.validation = load_validation_dataset(c.data, all);
      val = &split.validation;
    }
  }
  if (!c.data.augment.is_null())  // training batches only; validation sees the real data
    split.train.augment =
        data::Augmenter(data::parse_augment_options(c.data.augment, "data.augment"), c.seed);
  auto model = nn::build_model(c.model, c.seed);
  if (!options.resume && !c.training.init_from.empty())
    load_initial_weights(*model, c.training.init_from, c.source_name);
  if (!model->parameters().empty()) {
    const DType dtype = model->parameters().front().dtype();
    for (data::Dataset* d : {&all, &split.train, &split.validation}) cast_to_model_type(*d, dtype);
  }
  auto optimizer = optim::make_optimizer(c.optimizer, model->parameters());
  // Data-parallel with lr_scaling = "linear": the rate times the ranks (schedules start from it).
  const double scaled_lr =
      comm && c.training.lr_scaling == "linear" ? c.optimizer.lr * comm->size() : c.optimizer.lr;
  if (c.training.lr_warmup_epochs <= 0) optimizer->set_lr(scaled_lr);
  std::vector<std::string> metrics;
  for (const auto& m : c.training.metrics)
    if (m != "confusion_matrix") metrics.push_back(m);
  Trainer trainer(*model, *optimizer, c.training.loss, metrics);
  optim::Regularization regularization = optim::regularization_from_spec(c.model, *model);
  if (c.training.regularization.active())
    regularization.set_global(*optimizer, c.training.regularization);
  trainer.set_regularization(std::move(regularization));
  trainer.set_gradient_clipping(c.training.gradient_clip_norm, c.training.gradient_clip_value);
  if (comm && c.distributed.mode == "pipeline") {
    PipelineOptions pipeline;
    pipeline.micro_batches = int(c.distributed.micro_batches);
    pipeline.split_before = c.distributed.split_before;
    pipeline.synchronize_every = c.checkpoint_every_n_steps;  // each checkpoint's whole model
    trainer.set_pipeline(comm, pipeline);
    if (verbose) fmt::print("{}\n", describe_stages(*trainer.pipeline()));
  } else if (comm) {
    trainer.set_communicator(comm);
  }

  trainer.adapt_normalization(split.train);  // before anything runs the model
  const LossFn loss = make_loss(c.training.loss);
  const bool class_targets = loss_takes_class_indices(c.training.loss);
  check_data_fits_model(*model, loss, class_targets, all, data_description(c.data));
  if (val && c.data.validation_split <= 0)
    check_data_fits_model(
        *model, loss, class_targets, *val,
        c.data.validation == "table"
            ? fmt::format("the validation data ('{}')", c.data.validation_table.string())
            : fmt::format("the validation data ({} set)", c.data.validation));

  RunResult result;
  result.best_model = dir / "best.scidl";
  result.last_model = dir / "last.scidl";
  if (verbose) {
    fmt::print("data: {} rows ({} training, {} validation{}), examples of shape {}\n", all.size(),
               split.train.size(), val ? val->size() : 0,
               !val ? ""
               : c.data.validation == "table"
                   ? fmt::format(", from '{}'", c.data.validation_table.filename().string())
               : !c.data.validation.empty() ? fmt::format(", the {} set", c.data.validation)
               : c.data.split == "group"    ? ", split by group"
                                            : ", split by row",
               shape_str(example_shape));
    if (!all.class_names.empty()) fmt::print("classes: {}\n", fmt::join(all.class_names, ", "));
    fmt::print("{}", model->summary());
  }

  // Callbacks in the order they run: the progress line first (messages of the others follow
  // it), the config's callbacks, the run's own files, and the checkpoint last (it records the
  // others' updated state).
  std::vector<std::unique_ptr<Callback>> owned;
  std::vector<Callback*> callbacks;
  auto add = [&](std::unique_ptr<Callback> cb) {
    callbacks.push_back(cb.get());
    owned.push_back(std::move(cb));
  };
  if (verbose) add(std::make_unique<ProgressBar>());
  if (!writes) return train_without_writing(c, options, trainer, split.train, val, scaled_lr);
  // The spec saved in the model files: the config's, with the range of the training inputs.
  nlohmann::json saved_spec = spec_with_input_range(c.model, split.train);
  if (!c.data.inputs.empty()) {  // which columns feed which input, for scidl predict
    saved_spec["input_columns"]["x"] = all.x_names;
    for (const auto& [name, columns] : c.data.inputs) saved_spec["input_columns"][name] = columns;
  }
  if (auto table = table_description(c, all); !table.is_null()) saved_spec["table"] = table;
  if (c.data.window > 0)  // what a roll-out feeds back: k points of these columns
    saved_spec["window"] = {
        {"points", c.data.window}, {"columns", all.x_names}, {"target", c.data.window_target}};

  // Everything written later is checked; then the folder is taken and the config written.
  check_run_writes(c, saved_spec, data_description(c.data));
  const std::string config_toml = run_config_toml(c, dir);
  RunFolderClaim claim =
      options.resume ? RunFolderClaim() : RunFolderClaim::take(dir, run_outputs(c));
  const PutBackUnlessCommitted put_back_on_error{claim, dir};
  if (!options.resume || extending || !std::filesystem::exists(dir / "config.toml"))
    write_run_config(dir, c, config_toml);
  if (!options.resume && c.data.validation_split > 0)
    write_validation_split(
        dir, describe_validation_split(all, c.data.split, c.data.validation_split, c.split_seed()));
  for (auto& cb :
       make_callbacks(c.callbacks, dir, saved_spec, hparams_of(c, *model), val != nullptr))
    add(std::move(cb));
  if (!c.lr_schedule.is_null())
    add(std::make_unique<LrScheduleCallback>(
        optim::make_lr_schedule(c.lr_schedule, with_rate(*optimizer, scaled_lr)),
        c.lr_schedule_monitor));
  if (auto warmup = lr_warmup(c, trainer, split.train, scaled_lr)) add(std::move(warmup));
  for (Callback* cb : options.extra_callbacks) callbacks.push_back(cb);
  const std::string monitor = val ? "val_loss" : "loss";
  ModelCheckpointOptions best;
  best.filepath = result.best_model.string();
  best.monitor = monitor;
  best.save_best_only = true;
  auto best_saver = std::make_unique<ModelCheckpoint>(best, saved_spec);
  best_saver->set_state_key("run:best_model");
  add(std::move(best_saver));
  if (claim.pending()) add(claim.commit_at_first_epoch_end());  // best.scidl is written by now
  add(std::make_unique<CSVLogger>(dir / "history.csv"));
  nlohmann::json run_meta = {{"config", to_json(c)}};
  auto writer =
      std::make_unique<CheckpointWriter>(dir / "checkpoint.scidl", c.checkpoint_every_n_steps,
                                         callbacks, run_meta, options.stop_requested);
  const CheckpointWriter& checkpoints = *writer;
  add(std::move(writer));

  if (options.resume) {
    restore_training_checkpoint(dir / "checkpoint.scidl", trainer, callbacks);
    const auto& p = trainer.progress();
    if (verbose && extending)
      fmt::print("extending {} to {} epochs, from epoch {}\n", dir.string(), c.training.epochs,
                 p.epoch + 1);
    else if (verbose)
      fmt::print("resuming {} at epoch {}, batch {} (step {})\n", dir.string(), p.epoch + 1,
                 p.batch, p.global_step);
  }
  result.history = trainer.fit(split.train, val, fit_options(c), callbacks);
  result.stopped_because = trainer.termination_reason();
  result.interrupted = checkpoints.interrupted();
  if (claim.pending()) {  // ended before its first model: the replaced run comes back
    claim.restore();
    result.previous_run_restored = true;
    if (!result.interrupted)
      fmt::print(stderr,
                 "scidl: the run ended before its first model ({}); '{}' holds the run "
                 "it held before --overwrite, as it was\n",
                 result.stopped_because, dir.string());
  }
  if (result.interrupted || result.previous_run_restored) return result;
  if (result.stopped_because.empty() &&
      static_cast<int>(result.history.epochs.size()) < c.training.epochs)
    result.stopped_because = "stopped early by a callback";
  io::save_model(result.last_model, *model, saved_spec,
                 {{"epoch", result.history.epochs.size()}, {"stopped", result.stopped_because}});
  if (c.plots) write_curve_plots(dir, result.history);
  bool want_confusion = std::find(c.training.metrics.begin(), c.training.metrics.end(),
                                  "confusion_matrix") != c.training.metrics.end();
  if (want_confusion)
    write_confusion_matrix(dir / "confusion_matrix.csv", trainer, val ? *val : split.train);
  if (val) {
    result.final_validation = trainer.evaluate(*val);
    if (verbose) fmt::print("validation: {}\n", format_logs(result.final_validation));
  }
  if (verbose) fmt::print("{}", run_summary(result.history, monitor, result.stopped_because, dir));
  return result;
}

}  // namespace scidl::train
