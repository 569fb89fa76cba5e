// The built-in callbacks on short real fits: ModelCheckpoint (best-only, every N epochs, file
// names), CSVLogger's Keras format, TerminateOnNaN's clean stop, the progress bar's plain lines,
// learning-rate schedules, and TensorBoard files read back value by value with CRCs checked.
#include <fmt/format.h>

#include <fstream>
#include <set>
#include <sstream>

#include "../test_util.h"
#include "scidl/data/synthetic.h"
#include "scidl/io/tensorboard_reader.h"
#include "scidl/nn/model_io.h"
#include "scidl/nn/model_spec.h"
#include "scidl/optim/sgd.h"
#include "scidl/train/callbacks/csv_logger.h"
#include "scidl/train/callbacks/lr_scheduler.h"
#include "scidl/train/callbacks/model_checkpoint.h"
#include "scidl/train/callbacks/progress_bar.h"
#include "scidl/train/callbacks/tensorboard.h"
#include "scidl/train/callbacks/terminate_on_nan.h"
#include "scidl/train/trainer.h"

namespace scidl::testing {
namespace {

nlohmann::json tiny_mlp() {
  return {{"inputs", 3},
          {"layers",
           {{{"type", "dense"}, {"units", 8}, {"activation", "tanh"}},
            {{"type", "dense"}, {"units", 1}}}}};
}

struct SmallFit {
  data::Dataset train = data::damped_oscillator_dataset(6, 20, 1);
  data::Dataset val = data::damped_oscillator_dataset(2, 20, 2);
  std::shared_ptr<nn::Sequential> model = nn::build_sequential(tiny_mlp(), 1);
  optim::SGD opt{model->parameters(), {.lr = 0.05}};
  train::Trainer trainer{*model, opt, train::make_loss("mse"), {"mae"}};
  train::History fit(int epochs, const std::vector<train::Callback*>& cbs, bool with_val = true) {
    train::FitOptions o;
    o.epochs = epochs;
    o.batch_size = 16;
    o.verbose = false;
    return trainer.fit(train, with_val ? &val : nullptr, o, cbs);
  }
};

std::string read_text(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(ModelCheckpoint, BestOnlyKeepsTheEpochWithTheLowestValLoss) {
  TempDir dir("ckpt_best");
  SmallFit f;
  train::ModelCheckpoint cb(
      {.filepath = (dir.path / "best.scidl").string(), .save_best_only = true}, tiny_mlp());
  auto h = f.fit(6, {&cb});
  size_t best = 0;
  for (size_t e = 0; e < h.epochs.size(); ++e)
    if (h.epochs[e].at("val_loss") < h.epochs[best].at("val_loss")) best = e;
  auto m = io::load_model(dir.path / "best.scidl");
  EXPECT_EQ(m.meta.at("epoch").get<int>(), static_cast<int>(best) + 1);
  EXPECT_EQ(m.meta.at("monitor_value").get<double>(), h.epochs[best].at("val_loss"));
  EXPECT_EQ(cb.best(), h.epochs[best].at("val_loss"));
}

TEST(ModelCheckpoint, EveryNEpochsWritesFormattedFileNames) {
  TempDir dir("ckpt_every");
  SmallFit f;
  train::ModelCheckpoint cb(
      {.filepath = (dir.path / "e{epoch:03d}.scidl").string(), .every_n_epochs = 2}, tiny_mlp());
  f.fit(5, {&cb});
  EXPECT_FALSE(std::filesystem::exists(dir.path / "e001.scidl"));
  EXPECT_TRUE(std::filesystem::exists(dir.path / "e002.scidl"));
  EXPECT_TRUE(std::filesystem::exists(dir.path / "e004.scidl"));
  EXPECT_FALSE(std::filesystem::exists(dir.path / "e005.scidl"));
  // Weights written at epoch 4 load back into a model that predicts like the trainer did then.
  EXPECT_EQ(io::load_model(dir.path / "e004.scidl").meta.at("epoch").get<int>(), 4);
}

TEST(ModelCheckpoint, AFilepathFieldThatIsNotLoggedIsNamed) {
  train::ModelCheckpoint cb({.filepath = "m_{val_acc:.2f}.scidl"}, tiny_mlp());
  try {
    cb.path_for(0, {{"loss", 1.0}});
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("fields may be epoch, loss"), std::string::npos)
        << e.what();
  }
  EXPECT_EQ(cb.path_for(2, {{"val_acc", 0.456}}).string(), "m_0.46.scidl");
}

TEST(CSVLogger, WritesKerasRowsWithSortedColumns) {
  TempDir dir("csv");
  SmallFit f;
  train::CSVLogger cb(dir.path / "log.csv", ';');
  auto h = f.fit(3, {&cb});
  std::istringstream lines(read_text(dir.path / "log.csv"));
  std::string header, row;
  std::getline(lines, header);
  EXPECT_EQ(header, "epoch;loss;lr;mae;time_s;val_loss;val_mae");
  int rows = 0;
  while (std::getline(lines, row)) {
    EXPECT_EQ(row.substr(0, 2), std::to_string(rows) + ";");
    EXPECT_NE(row.find(fmt::format(";{};", h.epochs[rows].at("loss"))), std::string::npos) << row;
    ++rows;
  }
  EXPECT_EQ(rows, 3);
}

TEST(TerminateOnNaN, StopsCleanlyNamingEpochAndBatchWhereTheDefaultThrows) {
  SmallFit f;
  auto y = f.train.y.to_vector<float>();
  y[37] = NAN;  // row 37: with batches of 16 and no shuffle, epoch 1, batch 3
  f.train.y = from_vector(y, f.train.y.shape());
  auto before = f.opt.flat_parameters().to_vector<float>();
  train::FitOptions o;
  o.epochs = 2;
  o.batch_size = 16;
  o.shuffle = false;
  o.verbose = false;
  EXPECT_THROW(f.trainer.fit(f.train, nullptr, o), train::NonFiniteLossError);

  SmallFit g;
  g.train.y = f.train.y;
  train::TerminateOnNaN cb(false);
  auto h = g.trainer.fit(g.train, nullptr, o, {&cb});
  EXPECT_EQ(cb.message(),
            "terminate_on_nan: the loss became nan at epoch 1, batch 3; training stopped cleanly "
            "before this step changed the weights");
  EXPECT_EQ(h.epochs.size(), 0u);
  EXPECT_EQ(g.trainer.global_step(), 2);
  EXPECT_NE(g.trainer.termination_reason().find("epoch 1, batch 3"), std::string::npos);
  for (float v : g.opt.flat_parameters().to_vector<float>()) EXPECT_TRUE(std::isfinite(v));
  (void)before;
}

TEST(ProgressBar, PlainOutputIsOneLinePerEpochWithStepsAndValues) {
  SmallFit f;
  std::FILE* out = std::tmpfile();
  train::ProgressBar cb(out, train::ProgressBar::Style::plain);
  f.fit(2, {&cb});
  std::rewind(out);
  std::string text;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, out)) > 0) text.append(buf, n);
  std::fclose(out);
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 2) << text;
  EXPECT_EQ(std::count(text.begin(), text.end(), '\r'), 0) << text;
  EXPECT_NE(text.find("epoch 1/2 "), std::string::npos) << text;
  EXPECT_NE(text.find("8/8"), std::string::npos) << text;  // 120 rows in batches of 16
  EXPECT_NE(text.find("val_mae"), std::string::npos) << text;
  EXPECT_EQ(train::ProgressBar::format_duration(3723), "1:02:03");
  EXPECT_EQ(train::ProgressBar::format_duration(7), "0:07");
}

TEST(ProgressBar, OnATerminalTheEpochLineIsRedrawnInPlaceAndEnded) {
  SmallFit f;
  std::FILE* out = std::tmpfile();
  train::ProgressBar cb(out, train::ProgressBar::Style::terminal);
  f.fit(2, {&cb});
  std::rewind(out);
  std::string text;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, out)) > 0) text.append(buf, n);
  std::fclose(out);
  EXPECT_EQ(text.rfind("\repoch 1/2 [", 0), 0u) << text;
  EXPECT_NE(text.find("\repoch 2/2 [========================] 8/8"), std::string::npos) << text;
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 2) << text;
  EXPECT_NE(text.find("\x1b[K"), std::string::npos);  // clears what a longer line left
}

TEST(LearningRateScheduler, SetsTheRateEachEpochAndTheLogsShowIt) {
  SmallFit f;
  train::LearningRateScheduler cb([](int epoch, double lr) { return epoch == 0 ? 0.1 : lr * 0.5; });
  auto h = f.fit(3, {&cb});
  EXPECT_DOUBLE_EQ(h.epochs[0].at("lr"), 0.1);
  EXPECT_DOUBLE_EQ(h.epochs[1].at("lr"), 0.05);
  EXPECT_DOUBLE_EQ(h.epochs[2].at("lr"), 0.025);
}

TEST(TensorBoardCallback, EveryScalarHistogramTextAndHParamReadsBack) {
  TempDir dir("tb_cb");
  SmallFit f;
  train::TensorBoardOptions o;
  o.log_dir = dir.path / "tb";
  o.update_freq = 3;
  o.histogram_freq = 1;
  o.hparams = {{"lr", 0.05}, {"optimizer", std::string("sgd")}};
  train::TensorBoard cb(o);
  auto h = f.fit(3, {&cb});

  auto events_in = [](const std::filesystem::path& logdir) {
    auto files = io::find_event_files(logdir);
    EXPECT_EQ(files.size(), 1u) << logdir;
    return io::read_tensorboard_events(files.at(0));  // throws on any bad CRC
  };
  std::map<std::pair<std::string, int64_t>, float> scalars;
  std::set<std::string> histograms;
  for (const auto& ev : events_in(o.log_dir / "train"))
    for (const auto& v : ev.values) {
      if (v.simple_value) scalars[{v.tag, ev.step}] = *v.simple_value;
      if (v.histogram) {
        histograms.insert(v.tag);
        EXPECT_GT(v.histogram->num, 0) << v.tag;
      }
    }
  for (int e = 0; e < 3; ++e) {
    EXPECT_EQ(scalars.at({"epoch_loss", e}), static_cast<float>(h.epochs[e].at("loss")));
    EXPECT_EQ(scalars.at({"epoch_mae", e}), static_cast<float>(h.epochs[e].at("mae")));
    EXPECT_EQ(scalars.at({"epoch_learning_rate", e}), static_cast<float>(0.05));
  }
  for (int64_t step = 3; step <= 24; step += 3)
    EXPECT_TRUE(scalars.count({"batch_loss", step})) << step;
  EXPECT_FALSE(scalars.count({"batch_loss", 4}));
  for (const char* tag :
       {"0.weight/histogram", "0.weight/gradient", "2.bias/histogram", "2.bias/gradient"})
    EXPECT_TRUE(histograms.count(tag)) << tag;

  std::map<std::pair<std::string, int64_t>, float> val;
  for (const auto& ev : events_in(o.log_dir / "validation"))
    for (const auto& v : ev.values)
      if (v.simple_value) val[{v.tag, ev.step}] = *v.simple_value;
  for (int e = 0; e < 3; ++e) {
    EXPECT_EQ(val.at({"epoch_loss", e}), static_cast<float>(h.epochs[e].at("val_loss")));
    EXPECT_EQ(val.at({"epoch_mae", e}), static_cast<float>(h.epochs[e].at("val_mae")));
  }

  bool text = false, experiment = false, start = false, end = false;
  for (const auto& ev : events_in(o.log_dir))
    for (const auto& v : ev.values) {
      if (v.tag == "model/summary") {
        text = v.tensor && v.tensor->string_val.at(0).find("Linear(3 -> 8)") != std::string::npos;
      } else if (v.plugin_name == "hparams") {
        auto d = io::decode_hparams_plugin_data(v.plugin_content);
        if (d.experiment) {
          experiment = d.experiment->hparams.size() == 2 && d.experiment->metrics.size() == 4;
        }
        if (d.session_start_info)
          start = std::get<double>(d.session_start_info->hparams.at("lr")) == 0.05 &&
                  std::get<std::string>(d.session_start_info->hparams.at("optimizer")) == "sgd";
        if (d.session_end_info) end = d.session_end_info->status == io::SessionStatus::success;
      }
    }
  EXPECT_TRUE(text);
  EXPECT_TRUE(experiment);
  EXPECT_TRUE(start);
  EXPECT_TRUE(end);
}

}  // namespace
}  // namespace scidl::testing
