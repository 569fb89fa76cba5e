// A whole training run described by one TOML file (see examples/*.toml):
//   seed = 1
//   [data]      source = "csv" | "damped_oscillator" | "fashion_mnist" | "idx"; x = "train_X.csv";
//   y = "train_Y.csv"; or one table: path = "measurements.csv", target = "species" (or a list;
//               inputs: x_columns, or every other column; text labels become named classes);
//               groups = "run_id.csv"; validation_split = 0.1; split = "row" | "group";
//               validation = "test" (fashion_mnist: validate on the test set every epoch, as
//               Keras's validation_data=(x_test, y_test)) or, with path, a table of the same
//               columns; either replaces validation_split (which must then be 0 or unset)
//               targets = "values" | "classes"; x_columns = ["a", "b"] (csv: only these columns
//               of x, by header name, in this order; default all); inputs = { c = ["d", "e"] }
//               (csv: further model inputs by name, each from these columns of the x file,
//               for a model graph with inputs = { x = 3, c = 2 }); window = 10 (csv: x is a
//               time series, rows in time order per trajectory of data.groups; each example is
//               10 consecutive rows in, the next row out; no y)
//   [model]     inputs = 3; layers = [{ type = "dense", units = 128, activation = "relu" }, ...]
//   [optimizer] type = "adam" (sgd, adamw, adagrad, adadelta, rmsprop); lr; that type's options
//   [training]  epochs; batch_size; loss; metrics = ["mae"]; shuffle; gradient_clip_norm;
//               gradient_clip_value; regularization = { l1 = 0.0, l2 = 1e-4 } (all parameters);
//               init_from = "model.scidl" (start from its weights; `scidl train --init-from`)
//   [lr_schedule] type = "step" | "exponential" | "cosine" | "reduce_on_plateau", its options,
//               monitor (reduce_on_plateau; default val_loss)
//   [distributed] mode = "data" | "pipeline" (how `mpirun -np N scidl train` splits the work;
//               alone it changes nothing); micro_batches = 4; split_before = [4] (pipeline)
//   [output]    dir = "runs/NAME"; checkpoint_every_n_steps = 0 (mid-epoch resume points;
//               0: at epoch ends only); plots = true
//   [[callbacks]] type = "early_stopping" | "model_checkpoint" | "tensorboard" | "csv_logger" |
//               "terminate_on_nan", with Keras's option names (see train/callback_config.h)
// Relative paths are relative to the config file's folder; callback paths to the run folder.
#pragma once
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "scidl/data/dataset.h"
#include "scidl/io/config_reader.h"
#include "scidl/optim/factory.h"
#include "scidl/optim/regularization.h"
#include "scidl/train/callback_config.h"

namespace scidl::train {

struct DataSpec {
  std::string source = "csv";
  std::filesystem::path x, y, groups;  // CSV files (course layout: train_X.csv / train_Y.csv)
  std::filesystem::path table;         // csv: one table of inputs and targets (x is then it too)
  std::vector<std::string> target;     // table: the target columns
  std::filesystem::path validation_table;  // table: validation data of the same columns
  std::vector<std::string> x_columns;      // columns of x to train on, by name; empty: all
  int64_t window = 0;        // csv: > 0 makes windows of this many rows of x in, the next row out
  std::string group_column;  // csv: a column of x naming each row's group (instead of groups)
  std::string window_target = "next";  // or "difference": the step to the next point
  // Further named model inputs (csv): each from these columns of the x file.
  std::vector<std::pair<std::string, std::vector<std::string>>> inputs;
  std::optional<bool> header;                // CSV header rows: present, absent, or detected
  std::string targets = "values";            // or "classes" (int64 labels for cross_entropy)
  int64_t trajectories = 200, points = 100;  // damped_oscillator
  std::filesystem::path images, labels;      // source = "idx" (gzip or plain)
  std::filesystem::path graph_dir;           // source = "tu": the folder of NAME_A.txt, ...
  std::string graph_name;                    // NAME (default: the folder's name)
  bool node_attributes = false;              // tu: node attributes before the one-hot labels
  nlohmann::json augment;                    // e.g. { flip = 0.5, pad_crop = 2 }; null = none
  double validation_split = 0.1;
  std::string split = "row";
  // The seed of the held-out share; unset: the run's seed. Runs of other seeds on one split
  // (members of an ensemble) set it alike.
  std::optional<uint64_t> split_seed;
  // "test": the source's test set is the validation data (no split); "table": validation_table;
  // empty: validation_split.
  std::string validation;

  bool has_validation() const { return validation_split > 0 || !validation.empty(); }
};

struct TrainingSpec {
  int epochs = 10;
  int64_t batch_size = 32;
  std::string loss = "mse";
  std::vector<std::string> metrics;
  bool shuffle = true;
  double gradient_clip_norm = 0, gradient_clip_value = 0;  // 0: off
  optim::Penalty regularization;  // on every parameter; per layer: kernel_regularizer in [model]
  // A model file whose weights the run starts from (fine-tuning); empty: fresh initial weights.
  std::filesystem::path init_from;
  // Data-parallel (docs/distributed.md): "linear" trains at optimizer.lr x the ranks (Goyal et
  // al.'s linear scaling rule), reached from optimizer.lr by a linear warm-up over
  // lr_warmup_epochs; "none" (and any run alone) keeps optimizer.lr.
  std::string lr_scaling = "none";
  double lr_warmup_epochs = 0;
};

// [distributed] (docs/distributed.md): under mpirun, "data" trains data-parallel (each rank a
// shard of every batch), "pipeline" cuts the model into one stage of consecutive layers a rank
// and streams micro_batches parts of each batch through them (GPipe; train/pipeline.h), the
// stages beginning at the layer indices split_before names, or balanced by parameter count.
struct DistributedSpec {
  std::string mode = "data";
  int64_t micro_batches = 4;
  std::vector<int64_t> split_before;
};

struct RunConfig {
  uint64_t seed = 0;
  uint64_t split_seed() const { return data.split_seed.value_or(seed); }
  DataSpec data;
  nlohmann::json model;
  optim::OptimizerSpec optimizer;
  TrainingSpec training;
  DistributedSpec distributed;
  std::filesystem::path output_dir;
  int64_t checkpoint_every_n_steps = 0;
  bool plots = true;
  std::vector<CallbackSpec> callbacks;
  nlohmann::json lr_schedule;       // null: constant rate; else optim::make_lr_schedule's spec
  std::string lr_schedule_monitor;  // for reduce_on_plateau
  nlohmann::json callbacks_json = nlohmann::json::array();  // as written, for config.json
  std::string source_name;                                  // the config file, for messages
};

RunConfig parse_run_config(io::ConfigDocument& doc, const std::filesystem::path& base_dir);
data::Dataset load_dataset(const DataSpec& spec, uint64_t seed);
// The validation set spec.validation names (the source's test set, or a table); it must be set.
// A table is read with the training data's input columns and classes.
data::Dataset load_validation_dataset(const DataSpec& spec, const data::Dataset& train);
nlohmann::json to_json(const RunConfig& config);
// Every value a run of `config` logs per epoch: loss, metrics, lr, and val_... with validation.
std::vector<std::string> logged_names(const RunConfig& config);

}  // namespace scidl::train
