#include "scidl/train/config_keys.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <map>
#include <stdexcept>

#include "scidl/optim/factory.h"
#include "scidl/optim/lr_schedule.h"
#include "scidl/train/callback_config.h"
#include "scidl/train/losses.h"
#include "scidl/train/run_config.h"

namespace scidl::train {

using io::ConfigKey;
using io::KeyTable;
using io::KeyType;

namespace {

std::string quoted(const std::string& s) { return "\"" + s + "\""; }
std::string value(double x) { return fmt::format("{}", x); }
std::string value(bool b) { return b ? "true" : "false"; }

ConfigKey type_key(const std::vector<std::string>& types, const std::string& fallback,
                   const std::string& doc) {
  return {"type", KeyType::String, fallback.empty() ? "" : quoted(fallback), doc, types};
}

// Finds one type's table; an unknown type is a user's mistake, named with the valid ones.
const KeyTable& variant(const std::map<std::string, KeyTable>& tables, const std::string& type,
                        const char* section) {
  auto it = tables.find(type);
  if (it != tables.end()) return it->second;
  std::vector<std::string> names;
  for (const auto& [name, table] : tables) names.push_back(name);
  throw std::invalid_argument(fmt::format("[{}] has no type '{}'; choose one of {}", section, type,
                                          fmt::join(names, ", ")));
}

}  // namespace

const KeyTable& root_keys() {
  static const KeyTable t{
      "",
      "",
      "keys outside any [section]",
      {
          {"seed", KeyType::Integer, value(double(RunConfig{}.seed)),
           "seeds the initial weights, the validation split and the batch order"},
          {"data", KeyType::Table, "", "the training data (required)"},
          {"model", KeyType::Table, "", "the network (required)"},
          {"optimizer", KeyType::Table, "", "the optimizer and its options"},
          {"training", KeyType::Table, "", "epochs, batches, loss and metrics"},
          {"lr_schedule", KeyType::Table, "", "a learning-rate schedule (none: constant)"},
          {"output", KeyType::Table, "", "where the run folder goes and what it holds"},
          {"distributed", KeyType::Table, "",
           "under mpirun: data-parallel (the default) or a pipeline of the model's layers"},
          {"callbacks", KeyType::Any, "", "[[callbacks]]: a list of tables, one per callback"},
      }};
  return t;
}

const KeyTable& data_keys() {
  static const KeyTable t = [d = DataSpec{}] {
    return KeyTable{
        "data",
        "",
        "the training data and its validation split",
        {
            {"source",
             KeyType::String,
             quoted(d.source),
             "where the data comes from (\"molecules\" and \"graphs\" are folders in the TU "
             "format)",
             {"csv", "damped_oscillator", "fashion_mnist", "idx", "tu", "molecules", "graphs"}},
            {"x", KeyType::String, "", "csv: the CSV file of inputs (required)"},
            {"y", KeyType::String, "", "csv: the CSV file of targets (required unless window)"},
            {"path", KeyType::String, "",
             "tu: the folder holding NAME_A.txt, ...; csv: one table holding inputs and targets "
             "(CSV or gretl .gdt)"},
            {"target", KeyType::Strings, "",
             "csv with path: the target column(s) (text labels become named classes)"},
            {"x_columns", KeyType::Strings, "",
             "csv: only these columns of x, by header name, in this order (default: all)"},
            {"inputs", KeyType::Any, "",
             "csv: further named model inputs, each from columns of x: inputs = { c = [\"d\", "
             "\"e\"] }"},
            {"header", KeyType::Boolean, "",
             "csv: whether the files have a header row (default: detected)"},
            {"window", KeyType::Integer, "",
             "csv: x is a time series; each example is this many rows in, the next row out"},
            {"window_target",
             KeyType::String,
             quoted(d.window_target),
             "csv with window: the next point, or the difference to it",
             {"next", "difference"}},
            {"groups", KeyType::String, "",
             "a CSV with one group id per row of x (runs, trajectories)"},
            {"group_column", KeyType::String, "", "csv: the column of x holding group ids"},
            {"trajectories", KeyType::Integer, value(double(d.trajectories)),
             "damped_oscillator: number of trajectories"},
            {"points", KeyType::Integer, value(double(d.points)),
             "damped_oscillator: points per trajectory"},
            {"name", KeyType::String, "", "tu: the dataset's NAME (default: the folder's name)"},
            {"node_attributes", KeyType::Boolean, "",
             "tu: node attributes before the one-hot labels (default: true for molecules)"},
            {"images", KeyType::String, "", "idx: the IDX file of images (gzip or plain)"},
            {"labels", KeyType::String, "", "idx: the IDX file of labels"},
            {"augment", KeyType::Table, "",
             "image augmentation, e.g. { flip = 0.5, pad_crop = 2 } (none by default)"},
            {"targets",
             KeyType::String,
             quoted(d.targets),
             "\"classes\" for class indices (set by cross_entropy, nll and image sources)",
             {"values", "classes"}},
            {"validation_split", KeyType::Number, value(d.validation_split),
             "share of the data held out for validation, in [0, 1)"},
            {"split",
             KeyType::String,
             quoted(d.split),
             "hold out rows, or whole groups (data.groups or data.group_column)",
             {"row", "group"}},
            {"split_seed", KeyType::Integer, "",
             "the held-out share's seed (default: the run's seed); alike in an ensemble's runs"},
            {"validation", KeyType::String, "",
             "\"test\" (the source's test set), or a table file to validate on"},
        }};
  }();
  return t;
}

const KeyTable& model_keys() {
  static const KeyTable t{
      "model",
      "",
      "the network, as a stack or a graph of layers (layer types: nn/model_spec.h)",
      {
          {"inputs", KeyType::Any, "",
           "features per example (3), a shape ([1, 28, 28]) or named inputs ({ x = 5, c = 2 })"},
          {"layers", KeyType::Any, "",
           "the layers, each a table: { type = \"dense\", units = 64, activation = \"relu\" }"},
          {"init", KeyType::String, quoted("kaiming_uniform"),
           "the default weight initialiser (kaiming_uniform, glorot_uniform, glorot_normal, ...)"},
          {"dtype",
           KeyType::String,
           quoted("float32"),
           "the parameters' type",
           {"float32", "float64"}},
          {"output", KeyType::String, "", "a graph's output layer (default: the last)"},
      }};
  return t;
}

const KeyTable& training_keys() {
  static const KeyTable t = [d = TrainingSpec{}] {
    return KeyTable{
        "training",
        "",
        "the fit loop",
        {
            {"epochs", KeyType::Integer, value(double(d.epochs)), "passes over the training data"},
            {"batch_size", KeyType::Integer, value(double(d.batch_size)), "examples per step"},
            {"loss", KeyType::String, quoted(d.loss), "the loss minimised", loss_names()},
            {"metrics", KeyType::Strings, "",
             "metrics logged each epoch (mae, accuracy, topK_accuracy, confusion_matrix, ...)"},
            {"shuffle", KeyType::Boolean, value(d.shuffle), "a new seeded batch order each epoch"},
            {"gradient_clip_norm", KeyType::Number, "0",
             "scale gradients down to this global norm (0: off)"},
            {"gradient_clip_value", KeyType::Number, "0",
             "clip each gradient element to [-v, v] (0: off)"},
            {"regularization", KeyType::Any, "",
             "penalties on every parameter: { l1 = 0.0, l2 = 1e-4 }"},
            {"init_from", KeyType::String, "",
             "a model file whose weights the run starts from (fine-tuning; names and shapes "
             "must match)"},
            {"lr_scaling",
             KeyType::String,
             quoted(d.lr_scaling),
             "under mpirun: \"linear\" trains at optimizer.lr times the ranks (Goyal et al.; "
             "batch_size is each rank's)",
             {"none", "linear"}},
            {"lr_warmup_epochs", KeyType::Number, "0",
             "with lr_scaling = \"linear\": from optimizer.lr to the scaled rate by equal steps "
             "each batch over this many epochs (Goyal et al.: 5)"},
        }};
  }();
  return t;
}

const KeyTable& output_keys() {
  static const KeyTable t{
      "output",
      "",
      "the run folder",
      {
          {"dir", KeyType::String, quoted("runs/<config name>"), "the run folder"},
          {"checkpoint_every_n_steps", KeyType::Integer, "0",
           "mid-epoch resume points every N steps (0: at epoch ends only)"},
          {"plots", KeyType::Boolean, "true", "write the loss and metric plots"},
      }};
  return t;
}

const KeyTable& distributed_keys() {
  static const KeyTable t = [d = DistributedSpec{}] {
    return KeyTable{
        "distributed",
        "",
        "how `mpirun -np N scidl train` splits the work (alone these change nothing)",
        {
            {"mode",
             KeyType::String,
             quoted(d.mode),
             "\"data\": each rank a shard of every batch, gradients averaged (DDP); "
             "\"pipeline\": each rank a stage of consecutive layers, micro-batches streamed "
             "through (GPipe)",
             {"data", "pipeline"}},
            {"micro_batches", KeyType::Integer, value(double(d.micro_batches)),
             "pipeline: the parts each batch is cut into (must divide training.batch_size)"},
            {"split_before", KeyType::Numbers, "",
             "pipeline: the layer indices (as in parameter names, \"4.weight\") where stages "
             "2, 3, ... begin; unset: balanced by parameter count"},
        }};
  }();
  return t;
}

const KeyTable& optimizer_keys() {
  static const KeyTable t{"optimizer",
                          "",
                          "the optimizer; each type takes PyTorch's options and defaults",
                          {type_key(optim::optimizer_names(), "adam", "the optimizer")}};
  return t;
}

const KeyTable& optimizer_keys(const std::string& type) {
  static const std::map<std::string, KeyTable> tables = [] {
    std::map<std::string, KeyTable> out;
    for (const auto& name : optim::optimizer_names()) {
      const optim::OptimizerSpec d = optim::default_optimizer_spec(name);
      const std::map<std::string, ConfigKey> all{
          {"lr", {"lr", KeyType::Number, value(d.lr), "the learning rate"}},
          {"momentum", {"momentum", KeyType::Number, value(d.momentum), "momentum factor"}},
          {"dampening",
           {"dampening", KeyType::Number, value(d.dampening), "dampening of the momentum"}},
          {"nesterov", {"nesterov", KeyType::Boolean, value(d.nesterov), "Nesterov momentum"}},
          {"betas",
           {"betas", KeyType::Numbers, fmt::format("[{}, {}]", d.beta1, d.beta2),
            "decay rates of the first and second moment estimates"}},
          {"eps", {"eps", KeyType::Number, value(d.eps), "added to the denominator"}},
          {"weight_decay",
           {"weight_decay", KeyType::Number, value(d.weight_decay),
            name == "adamw" ? "decoupled weight decay" : "L2 penalty"}},
          {"lr_decay", {"lr_decay", KeyType::Number, value(d.lr_decay), "learning-rate decay"}},
          {"initial_accumulator_value",
           {"initial_accumulator_value", KeyType::Number, value(d.initial_accumulator_value),
            "the sum of squares' starting value"}},
          {"rho", {"rho", KeyType::Number, value(d.rho), "decay of the running averages"}},
          {"alpha", {"alpha", KeyType::Number, value(d.alpha), "smoothing constant"}},
          {"centered",
           {"centered", KeyType::Boolean, value(d.centered),
            "normalise by the gradient's estimated variance"}},
      };
      KeyTable table{"optimizer", name, "", {type_key(optim::optimizer_names(), "adam", "")}};
      for (const auto& option : optim::optimizer_options(name))
        table.keys.push_back(all.at(option));
      out.emplace(name, std::move(table));
    }
    return out;
  }();
  return variant(tables, type, "optimizer");
}

namespace {
ConfigKey monitor_key() {
  return {"monitor", KeyType::String, quoted("val_loss"),
          "reduce_on_plateau: the logged value watched (\"loss\" without validation)"};
}
}  // namespace

const KeyTable& lr_schedule_keys() {
  static const KeyTable t{
      "lr_schedule",
      "",
      "a learning-rate schedule, stepped each epoch (PyTorch's names and defaults)",
      {type_key(optim::lr_schedule_names(), "", "the schedule (required)"), monitor_key()}};
  return t;
}

const KeyTable& lr_schedule_keys(const std::string& type) {
  static const std::map<std::string, KeyTable> tables = [] {
    const optim::PlateauOptions p;
    auto table = [](const std::string& name, std::vector<ConfigKey> keys) {
      KeyTable t{
          "lr_schedule", name, "", {type_key(optim::lr_schedule_names(), "", ""), monitor_key()}};
      t.keys.insert(t.keys.end(), keys.begin(), keys.end());
      return std::pair{name, t};
    };
    return std::map<std::string, KeyTable>{
        table("step", {{"step_size", KeyType::Integer, "", "epochs between cuts (required)"},
                       {"gamma", KeyType::Number, "0.1", "the factor of each cut"}}),
        table("exponential", {{"gamma", KeyType::Number, "", "the factor per epoch (required)"}}),
        table("cosine", {{"t_max", KeyType::Integer, "", "epochs of the half cosine (required)"},
                         {"eta_min", KeyType::Number, "0", "the smallest learning rate"}}),
        table("reduce_on_plateau",
              {{"mode",
                KeyType::String,
                quoted(p.mode),
                "whether lower or higher is better",
                {"min", "max"}},
               {"factor", KeyType::Number, value(p.factor), "new lr = lr * factor, in (0, 1)"},
               {"patience", KeyType::Integer, value(double(p.patience)),
                "epochs without improvement tolerated"},
               {"threshold", KeyType::Number, value(p.threshold), "what counts as an improvement"},
               {"threshold_mode",
                KeyType::String,
                quoted(p.threshold_mode),
                "threshold relative or absolute",
                {"rel", "abs"}},
               {"cooldown", KeyType::Integer, value(double(p.cooldown)),
                "epochs to wait after a cut"},
               {"min_lr", KeyType::Number, value(p.min_lr), "the smallest learning rate"},
               {"eps", KeyType::Number, value(p.eps), "smaller changes of lr are skipped"}}),
    };
  }();
  return variant(tables, type, "lr_schedule");
}

const KeyTable& callback_keys() {
  static const KeyTable t{"callbacks",
                          "",
                          "[[callbacks]]: one table per callback, Keras's names and defaults",
                          {type_key(callback_types(), "", "the callback (required)")}};
  return t;
}

const KeyTable& callback_keys(const std::string& type) {
  static const std::map<std::string, KeyTable> tables = [] {
    const EarlyStoppingOptions e;
    const ModelCheckpointOptions m;
    const CsvLoggerSpec c;
    const std::vector<std::string> modes{"auto", "min", "max"};
    const std::string mode_doc = "whether lower or higher is better (auto: from the name)";
    auto table = [](const std::string& name, std::vector<ConfigKey> keys) {
      KeyTable t{"callbacks", name, "", {type_key(callback_types(), "", "")}};
      t.keys.insert(t.keys.end(), keys.begin(), keys.end());
      return std::pair{name, t};
    };
    return std::map<std::string, KeyTable>{
        table("early_stopping",
              {{"monitor", KeyType::String, quoted(e.monitor), "the logged value watched"},
               {"min_delta", KeyType::Number, value(e.min_delta), "smaller changes do not count"},
               {"patience", KeyType::Integer, value(double(e.patience)),
                "epochs without improvement before stopping"},
               {"verbose", KeyType::Integer, value(double(e.verbose)), "1: say when it stops"},
               {"mode", KeyType::String, quoted(e.mode), mode_doc, modes},
               {"baseline", KeyType::Number, "", "stop unless the value beats this"},
               {"restore_best_weights", KeyType::Boolean, value(e.restore_best_weights),
                "end with the best epoch's weights"},
               {"start_from_epoch", KeyType::Integer, value(double(e.start_from_epoch)),
                "epochs before watching starts"}}),
        table("model_checkpoint",
              {{"filepath", KeyType::String, "",
                "the model file, e.g. \"checkpoints/epoch{epoch:03d}.scidl\" (required)"},
               {"monitor", KeyType::String, quoted(m.monitor), "the logged value watched"},
               {"mode", KeyType::String, quoted(m.mode), mode_doc, modes},
               {"save_best_only", KeyType::Boolean, value(m.save_best_only),
                "write only when the monitored value improves"},
               {"every_n_epochs", KeyType::Integer, value(double(m.every_n_epochs)),
                "epochs between writes"},
               {"verbose", KeyType::Integer, value(double(m.verbose)), "1: say when it writes"},
               {"initial_value_threshold", KeyType::Number, "",
                "write only once the value beats this"}}),
        table("tensorboard",
              {{"log_dir", KeyType::String, quoted("tensorboard"), "the event files' folder"},
               {"update_freq", KeyType::Any, quoted("epoch"),
                "\"epoch\", \"batch\", or a number of steps between batch losses"},
               {"histogram_freq", KeyType::Integer, "0",
                "epochs between weight histograms (0: never)"},
               {"write_graph", KeyType::Boolean, "true",
                "the model's layers and shapes in the Graphs tab"},
               {"write_images", KeyType::Boolean, "false",
                "an image classifier's first validation examples with their predictions"},
               {"image_freq", KeyType::Integer, "0",
                "epochs between those images (0: after the last epoch only)"},
               {"write_model_summary", KeyType::Boolean, "true", "write the model's layers"},
               {"hparams", KeyType::Boolean, "true", "write the run's hyperparameters"}}),
        table("csv_logger",
              {{"filename", KeyType::String, quoted(c.filename), "the CSV file"},
               {"separator", KeyType::String, quoted(c.separator), "one character"},
               {"append", KeyType::Boolean, value(c.append), "append to an existing file"}}),
        table("terminate_on_nan", {}),
    };
  }();
  return variant(tables, type, "callbacks");
}

std::vector<const KeyTable*> config_key_tables() {
  std::vector<const KeyTable*> out{&root_keys(),     &data_keys(),   &model_keys(),
                                   &training_keys(), &output_keys(), &distributed_keys(),
                                   &optimizer_keys()};
  for (const auto& type : optim::optimizer_names()) out.push_back(&optimizer_keys(type));
  out.push_back(&lr_schedule_keys());
  for (const auto& type : optim::lr_schedule_names()) out.push_back(&lr_schedule_keys(type));
  out.push_back(&callback_keys());
  for (const auto& type : callback_types()) out.push_back(&callback_keys(type));
  return out;
}

}  // namespace scidl::train
