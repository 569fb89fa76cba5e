#include "scidl/train/run.h"

#include <fmt/format.h>

#include <fstream>

#include "scidl/data/csv.h"
#include "scidl/io/model_io.h"
#include "scidl/nn/model_spec.h"

namespace scidl::train {

namespace {

// Keeps the model with the lowest validation loss (training loss without validation).
class BestModelSaver : public Callback {
 public:
  BestModelSaver(std::filesystem::path path, nlohmann::json spec)
      : path_(std::move(path)), spec_(std::move(spec)) {}
  void on_epoch_end(Trainer& t, int epoch, const Logs& logs) override {
    auto it = logs.find("val_loss");
    double v = it != logs.end() ? it->second : logs.at("loss");
    if (v < best_) {
      best_ = v;
      io::save_model(path_, t.model(), spec_, {{"epoch", epoch + 1}, {"monitor_value", v}});
    }
  }

 private:
  std::filesystem::path path_;
  nlohmann::json spec_;
  double best_ = std::numeric_limits<double>::infinity();
};

void write_history(const std::filesystem::path& path, const History& h) {
  if (h.epochs.empty()) return;
  std::vector<std::string> names{"epoch"};
  for (const auto& [k, v] : h.epochs.front()) names.push_back(k);
  std::vector<double> values;
  for (size_t e = 0; e < h.epochs.size(); ++e) {
    values.push_back(static_cast<double>(e + 1));
    for (size_t c = 1; c < names.size(); ++c) {
      auto it = h.epochs[e].find(names[c]);
      values.push_back(it == h.epochs[e].end() ? NAN : it->second);
    }
  }
  data::write_csv(path, names, static_cast<int64_t>(h.epochs.size()),
                  static_cast<int64_t>(names.size()), values.data());
}

}  // namespace

RunResult run_training(const RunConfig& c, bool verbose) {
  manual_seed(c.seed);
  data::Dataset all = load_dataset(c.data, c.seed);
  const int64_t features = all.x.shape().size() > 1 ? all.x.shape()[1] : 1;
  if (c.model.value("inputs", int64_t{0}) != features)
    throw std::invalid_argument(fmt::format(
        "{}: model.inputs is {} but the data has {} input columns", c.source_name,
        c.model.value("inputs", int64_t{0}), features));
  data::Split split;
  const data::Dataset* val = nullptr;
  if (c.data.validation_split > 0) {
    split = c.data.split == "group" ? data::split_by_group(all, c.data.validation_split, c.seed)
                                    : data::split_by_row(all, c.data.validation_split, c.seed);
    val = &split.validation;
  } else {
    split.train = all;
  }
  auto model = nn::build_model(c.model, c.seed);
  auto optimizer = optim::make_optimizer(c.optimizer, model->parameters());
  Trainer trainer(*model, *optimizer, make_loss(c.training.loss), c.training.metrics);

  std::filesystem::create_directories(c.output_dir);
  {
    std::ofstream cfg(c.output_dir / "config.json");
    cfg << to_json(c).dump(2) << "\n";
  }
  RunResult result;
  result.best_model = c.output_dir / "best.scidl";
  result.last_model = c.output_dir / "last.scidl";
  if (verbose) {
    fmt::print("data: {} rows ({} training, {} validation{}), {} inputs\n", all.size(),
               split.train.size(), val ? val->size() : 0,
               val ? (c.data.split == "group" ? ", split by group" : ", split by row") : "", features);
    fmt::print("{}", model->summary());
  }
  BestModelSaver saver(result.best_model, c.model);
  FitOptions fo;
  fo.epochs = c.training.epochs;
  fo.batch_size = c.training.batch_size;
  fo.shuffle = c.training.shuffle;
  fo.seed = c.seed;
  fo.verbose = verbose;
  result.history = trainer.fit(split.train, val, fo, {&saver});
  io::save_model(result.last_model, *model, c.model, {{"epoch", c.training.epochs}});
  write_history(c.output_dir / "history.csv", result.history);
  if (val) {
    result.final_validation = trainer.evaluate(*val);
    if (verbose)
      fmt::print("validation: {}\nrun folder: {}\n", format_logs(result.final_validation),
                 c.output_dir.string());
  }
  return result;
}

}  // namespace scidl::train
