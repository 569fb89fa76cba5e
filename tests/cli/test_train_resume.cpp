// `scidl train` as users run it: a run killed with SIGKILL mid-epoch and resumed with --resume
// ends with the same weights, bit for bit, as a run never interrupted; the same seed gives the
// same weights; resuming a folder that is not a run, or a run of another config, is refused with
// the reason; callback config errors name the key path and the choices; a finished run leaves its
// plots, CSV log, models and a summary.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <thread>

#include "scidl/data/csv.h"
#include "scidl/nn/model_io.h"
#include "scidl/train/checkpoint.h"
#include "train_fixture.h"

namespace scidl::testing {
namespace {

TEST(TrainResume, ARunKilledMidEpochAndResumedEndsWithTheSameWeightsBitForBit) {
  TempDir dir("cli_resume_kill");
  write_train_data(dir.path, 1200);  // 960 training rows: 120 steps per epoch
  auto cfg = dir.path / "run.toml";
  // ReduceLROnPlateau keeps counters across epochs: the resumed run must restore them too.
  write_text(cfg,
             train_config(
                 12, "[lr_schedule]\ntype = \"reduce_on_plateau\"\npatience = 1\nfactor = 0.5\n"));
  auto whole = run_cli("train " + cfg.string() + " -q --out " + (dir.path / "whole").string());
  ASSERT_EQ(whole.status, 0) << whole.output;

  auto killed = dir.path / "killed";
  pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    std::freopen("/dev/null", "w", stdout);
    ::execl(SCIDL_CLI, SCIDL_CLI, "train", cfg.c_str(), "-q", "--out", killed.c_str(), nullptr);
    ::_exit(127);
  }
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (!std::filesystem::exists(killed / "checkpoint.scidl") &&
         std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::microseconds(500));
  ::kill(pid, SIGKILL);
  int status = 0;
  ::waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFSIGNALED(status)) << "the run finished before it could be killed; make it longer";
  ASSERT_FALSE(std::filesystem::exists(killed / "last.scidl"));
  auto summary = train::read_checkpoint_summary(killed / "checkpoint.scidl");
  EXPECT_LT(summary.global_step, 12 * 120);
  RecordProperty("killed_at_step", std::to_string(summary.global_step));

  auto resumed = run_cli("train " + cfg.string() + " --resume " + killed.string());
  ASSERT_EQ(resumed.status, 0) << resumed.output;
  EXPECT_NE(resumed.output.find("resuming " + killed.string() + " at epoch"), std::string::npos)
      << resumed.output;
  EXPECT_EQ(weights_of(killed / "last.scidl"), weights_of(dir.path / "whole" / "last.scidl"));
  EXPECT_EQ(weights_of(killed / "best.scidl"), weights_of(dir.path / "whole" / "best.scidl"));
  auto a = data::read_csv(dir.path / "whole" / "history.csv"),
       b = data::read_csv(killed / "history.csv");
  ASSERT_EQ(a.rows, 12);
  ASSERT_EQ(b.rows, 12);
  ASSERT_EQ(a.column_names, b.column_names);
  for (int64_t r = 0; r < a.rows; ++r) {
    for (int64_t c = 0; c < a.cols; ++c) {
      if (a.column_names[c] == "time_s") continue;
      EXPECT_EQ(a.values[r * a.cols + c], b.values[r * b.cols + c]) << a.column_names[c];
    }
  }
}

TEST(TrainResume, TheSameSeedGivesTheSameWeightsThroughTheCli) {
  TempDir dir("cli_same_seed");
  write_train_data(dir.path, 200);
  auto cfg = dir.path / "run.toml";
  write_text(cfg, train_config(3));
  for (const char* out : {"a", "b"})
    ASSERT_EQ(run_cli("train " + cfg.string() + " -q --out " + (dir.path / out).string()).status,
              0);
  EXPECT_EQ(weights_of(dir.path / "a" / "last.scidl"), weights_of(dir.path / "b" / "last.scidl"));
  ASSERT_EQ(run_cli("train " + cfg.string() + " -q --set seed=6 --out " + (dir.path / "c").string())
                .status,
            0);
  EXPECT_NE(weights_of(dir.path / "a" / "last.scidl"), weights_of(dir.path / "c" / "last.scidl"));
}

TEST(TrainResume, RefusesAFolderThatIsNotARunAndARunOfAnotherConfig) {
  TempDir dir("cli_resume_refuse");
  write_train_data(dir.path, 100);
  auto cfg = dir.path / "run.toml";
  write_text(cfg, train_config(2));
  std::filesystem::create_directories(dir.path / "empty");
  auto r = run_cli("train " + cfg.string() + " --resume " + (dir.path / "empty").string());
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.output.find("is not a scidl run folder (no config.json)"), std::string::npos)
      << r.output;

  ASSERT_EQ(run_cli("train " + cfg.string() + " -q --out " + (dir.path / "run").string()).status,
            0);
  r = run_cli("train " + cfg.string() +
              " --set training.epochs=3 --set optimizer.lr=0.01 --resume " +
              (dir.path / "run").string());
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.output.find("different config"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("training.epochs: 2 in the run, 3 now"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("optimizer.lr: 0.003 in the run, 0.01 now"), std::string::npos)
      << r.output;
  // A finished run resumed with its own config has nothing left to do, and says so by its summary.
  r = run_cli("train " + cfg.string() + " --resume " + (dir.path / "run").string());
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("summary: 2 epochs"), std::string::npos) << r.output;
}

TEST(TrainCallbacks, ConfigErrorsNameTheKeyPathAndTheChoices) {
  TempDir dir("cli_cb_errors");
  write_train_data(dir.path, 50);
  auto check = [&](const std::string& extra, const std::string& expected) {
    write_text(dir.path / "bad.toml", train_config(1, extra));
    auto r = run_cli("train " + (dir.path / "bad.toml").string() + " -q --out " +
                     (dir.path / "run").string());
    EXPECT_EQ(r.status, 1) << extra;
    EXPECT_NE(r.output.find(expected), std::string::npos) << r.output;
  };
  check("[[callbacks]]\ntype = \"early_stop\"\n",
        "'callbacks[0].type' is 'early_stop', not a known callback; choose one of early_stopping, "
        "model_checkpoint, tensorboard, csv_logger, terminate_on_nan");
  check("[[callbacks]]\ntype = \"early_stopping\"\npatience = 2\npateince = 3\n",
        "unknown key 'callbacks[0].pateince'");
  check("[[callbacks]]\ntype = \"early_stopping\"\nmonitor = \"val_accuracy\"\n",
        "'callbacks[0].monitor' is 'val_accuracy', which this run never logs; choose one of loss, "
        "mae, "
        "lr, val_loss, val_mae");
  check("[[callbacks]]\ntype = \"early_stopping\"\npatience = \"3\"\n",
        "'callbacks[0].patience' must be an integer, got a string");
  check("[[callbacks]]\ntype = \"tensorboard\"\nupdate_freq = \"often\"\n",
        "'callbacks[0].update_freq' is \"often\"; expected \"epoch\", \"batch\" or a number of "
        "steps >= 1");
  check("[[callbacks]]\ntype = \"early_stopping\"\nmode = \"down\"\n",
        "'callbacks[0].mode' is 'down'; choose one of auto, min, max");
}

TEST(TrainCallbacks, AConfiguredRunLeavesEveryFileAndStopsEarly) {
  TempDir dir("cli_cb_run");
  write_train_data(dir.path, 200);
  auto cfg = dir.path / "run.toml";
  write_text(cfg, train_config(40, R"(
[[callbacks]]
type = "early_stopping"
monitor = "val_loss"
min_delta = 10.0
patience = 2
verbose = 1
[[callbacks]]
type = "tensorboard"
update_freq = 5
histogram_freq = 1
[[callbacks]]
type = "model_checkpoint"
filepath = "models/e{epoch:02d}.scidl"
[[callbacks]]
type = "csv_logger"
filename = "keras_log.csv"
[[callbacks]]
type = "terminate_on_nan"
)"));
  auto r = run_cli("train " + cfg.string() + " --out " + (dir.path / "run").string());
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("Epoch 3: early stopping"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("summary: 3 epochs (stopped early by a callback)"), std::string::npos)
      << r.output;
  auto run = dir.path / "run";
  for (const char* f :
       {"best.scidl", "last.scidl", "checkpoint.scidl", "history.csv", "config.json",
        "keras_log.csv", "plots/loss.svg", "plots/loss.png", "plots/mae.svg", "plots/mae.png",
        "models/e01.scidl", "models/e03.scidl", "tensorboard/train", "tensorboard/validation"})
    EXPECT_TRUE(std::filesystem::exists(run / f)) << f;
  EXPECT_EQ(data::read_csv(run / "history.csv").rows, 3);
}

TEST(TrainOptimization, ScheduleClippingAndPenaltiesComeFromTheConfig) {
  TempDir dir("cli_schedule");
  write_train_data(dir.path, 100);
  auto cfg = dir.path / "run.toml";
  std::string training_extra =
      "gradient_clip_norm = 1.0\ngradient_clip_value = 0.5\nregularization = { l2 = 1e-4 }\n";
  std::string text =
      train_config(3, "[lr_schedule]\ntype = \"step\"\nstep_size = 1\ngamma = 0.5\n");
  text.insert(text.find("[output]"), training_extra);
  write_text(cfg, text);
  auto r = run_cli("train " + cfg.string() + " -q --out " + (dir.path / "run").string());
  ASSERT_EQ(r.status, 0) << r.output;
  auto h = data::read_csv(dir.path / "run" / "history.csv");
  int64_t lr =
      std::find(h.column_names.begin(), h.column_names.end(), "lr") - h.column_names.begin();
  EXPECT_DOUBLE_EQ(h.values[0 * h.cols + lr], 0.003);
  EXPECT_DOUBLE_EQ(h.values[1 * h.cols + lr], 0.0015);
  EXPECT_DOUBLE_EQ(h.values[2 * h.cols + lr], 0.00075);

  write_text(cfg, train_config(1, "[lr_schedule]\ntype = \"steps\"\n"));
  r = run_cli("train " + cfg.string() + " -q --out " + (dir.path / "bad").string());
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.output.find("'lr_schedule.type' is 'steps'"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("reduce_on_plateau; did you mean 'step'?"), std::string::npos)
      << r.output;
  write_text(
      cfg, train_config(1, "[lr_schedule]\ntype = \"reduce_on_plateau\"\nmonitor = \"val_acc\"\n"));
  r = run_cli("train " + cfg.string() + " -q --out " + (dir.path / "bad").string());
  EXPECT_NE(r.output.find("'lr_schedule.monitor' is 'val_acc', which this run never logs"),
            std::string::npos)
      << r.output;
}

TEST(TrainMetrics, AClassificationRunWritesTheConfusionMatrix) {
  TempDir dir("cli_confusion");
  std::string x = "a,b\n", y = "label\n";
  for (int i = 0; i < 150; ++i) {
    double a = (i % 13) / 13.0, b = (i % 7) / 7.0;
    x += fmt::format("{},{}\n", a, b);
    y += fmt::format("{}\n", a + b < 0.7 ? 0 : a > b ? 1 : 2);
  }
  write_text(dir.path / "x.csv", x);
  write_text(dir.path / "y.csv", y);
  write_text(dir.path / "c.toml", R"(seed = 1
[data]
x = "x.csv"
y = "y.csv"
validation_split = 0.2
[model]
inputs = 2
layers = [ { type = "dense", units = 16, activation = "relu" }, { type = "dense", units = 3 } ]
[training]
epochs = 3
batch_size = 16
loss = "cross_entropy"
metrics = ["accuracy", "top2_accuracy", "confusion_matrix"]
)");
  auto r =
      run_cli("train " + (dir.path / "c.toml").string() + " --out " + (dir.path / "run").string());
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("val_top2_accuracy"), std::string::npos) << r.output;
  auto cm = data::read_csv(dir.path / "run" / "confusion_matrix.csv");
  EXPECT_EQ(cm.rows, 3);
  EXPECT_EQ(cm.cols, 4);
  double total = 0;
  for (int64_t i = 0; i < cm.rows; ++i)
    for (int64_t j = 1; j < cm.cols; ++j) total += cm.values[i * cm.cols + j];
  EXPECT_EQ(total, 30);  // the validation rows
}

}  // namespace
}  // namespace scidl::testing
