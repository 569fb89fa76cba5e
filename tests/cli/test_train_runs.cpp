// `scidl train` never hangs or loses a run: names that its files cannot hold are refused before
// anything is written; --overwrite keeps the old run until the new one has a model; one process
// at a time trains in a folder, and a killed one's lock is taken over; Ctrl-C leaves a checkpoint
// that resumes to the uninterrupted result; a finished run extends to more epochs, bit for bit;
// a run starts from another's weights (--init-from); and its config.toml trains it again.
#include <signal.h>
#include <sys/wait.h>

#include <chrono>
#include <thread>

#include "scidl/train/checkpoint.h"
#include "train_fixture.h"

namespace scidl::testing {
namespace {

using std::filesystem::exists;

// Waits (up to a minute) until `done` holds.
template <typename Condition>
bool wait_for(Condition done) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (!done() && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  return done();
}

TEST(TrainChecks, ANonUtf8ColumnNameIsRefusedBeforeAnyFileOfTheRunIsTouched) {
  TempDir dir("cli_non_utf8");
  write_train_data(dir.path, 100);
  auto cfg = dir.path / "run.toml";
  write_text(cfg, train_config(2));
  const auto run = dir.path / "run";
  ASSERT_EQ(run_cli("train " + cfg.string() + " -q --out " + run.string()).status, 0);
  const auto before = folder_contents(run);
  std::string x = read_text(dir.path / "x.csv");
  x.replace(x.find("b,"), 1, "b\xff");  // a Latin-1 byte in the second column's name
  write_text(dir.path / "latin1.csv", x);

  auto r = run_cli("train " + cfg.string() + " -q --overwrite --set data.x=latin1.csv --out " +
                   run.string());
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.output.find("column 2 is named 'b\\xff', which is not UTF-8 text"), std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("latin1.csv"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("nothing was written"), std::string::npos) << r.output;
  EXPECT_EQ(folder_contents(run), before);
  EXPECT_FALSE(exists(run / ".replaced-run"));

  // A model-checkpoint file name that would fail to format at the first epoch's end fails now.
  write_text(cfg, train_config(2,
                               "[[callbacks]]\ntype = \"model_checkpoint\"\nfilepath = "
                               "\"m{val_los:.3f}.scidl\"\n"));
  r = run_cli("train " + cfg.string() + " -q --overwrite --out " + run.string());
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.output.find("callbacks[0].filepath"), std::string::npos) << r.output;
  EXPECT_EQ(folder_contents(run), before);
}

TEST(TrainOverwrite, ARunThatFailsInItsFirstEpochLeavesTheRunItWouldReplaceByteIdentical) {
  TempDir dir("cli_overwrite_fail");
  write_train_data(dir.path, 200);
  auto cfg = dir.path / "run.toml";
  write_text(cfg, train_config(2));
  const auto run = dir.path / "run";
  ASSERT_EQ(run_cli("train " + cfg.string() + " -q --out " + run.string()).status, 0);
  const auto before = folder_contents(run);
  ASSERT_TRUE(before.count("best.scidl") && before.count("last.scidl") &&
              before.count("history.csv"));

  // A learning rate of 1e30 overflows the loss at the second batch of epoch 1.
  auto r = run_cli("train " + cfg.string() +
                   " -q --overwrite --set optimizer.type=sgd --set optimizer.lr=1e30 --out " +
                   run.string());
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.output.find("the loss became inf at epoch 1"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("holds the run it held before --overwrite, as it was"), std::string::npos)
      << r.output;
  EXPECT_EQ(folder_contents(run), before);

  // Once the new run has written its first model, it has replaced the old one.
  r = run_cli("train " + cfg.string() + " -q --overwrite --set training.epochs=1 --out " +
              run.string());
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_EQ(data::read_csv(run / "history.csv").rows, 1);
  EXPECT_FALSE(exists(run / ".replaced-run"));
}

TEST(TrainOverwrite, ARunKilledBeforeItsFirstModelLeavesTheReplacedRunToBePutBack) {
  TempDir dir("cli_overwrite_kill");
  write_train_data(dir.path, 12000);  // 1200 steps in epoch 1: killed long before its end
  auto cfg = dir.path / "run.toml";
  write_text(cfg, train_config(1));
  const auto run = dir.path / "run";
  ASSERT_EQ(run_cli("train " + cfg.string() + " -q --set data.validation_split=0.99 --out " +
                    run.string())
                .status,
            0);
  const auto before = folder_contents(run);
  const pid_t pid = start_cli({"train", cfg.string(), "-q", "--overwrite", "--out", run.string()},
                              dir.path / "overwrite.log");
  ASSERT_TRUE(wait_for([&] {  // the old checkpoint set aside, the new run's first one written
    return exists(run / ".replaced-run" / "checkpoint.scidl") && exists(run / "checkpoint.scidl");
  }));
  ::kill(pid, SIGKILL);
  ::waitpid(pid, nullptr, 0);
  ASSERT_TRUE(exists(run / ".replaced-run")) << "the run wrote its first model before the kill";

  // The next run into the folder puts the old run back first, then refuses to replace it.
  auto r = run_cli("train " + cfg.string() + " -q --out " + run.string());
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.output.find("that run is back as it was"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("already holds a run"), std::string::npos) << r.output;
  EXPECT_EQ(folder_contents(run), before);
}

TEST(TrainLock, ASecondRunIntoABusyFolderIsRefusedNamingTheFirstAndAKilledRunsLockIsTakenOver) {
  TempDir dir("cli_lock");
  write_train_data(dir.path, 1200);
  auto cfg = dir.path / "run.toml";
  write_text(cfg, train_config(200));
  const auto run = dir.path / "run";
  const pid_t first =
      start_cli({"train", cfg.string(), "-q", "--out", run.string()}, dir.path / "first.log");
  ASSERT_TRUE(wait_for([&] { return exists(run / "checkpoint.scidl"); }));

  for (const std::string mode : {"--overwrite --out ", "--resume "}) {
    auto r = run_cli("train " + cfg.string() + " -q " + mode + run.string());
    EXPECT_EQ(r.status, 1) << mode;
    EXPECT_NE(
        r.output.find(fmt::format("is in use by another `scidl train` (pid {} on host", first)),
        std::string::npos)
        << r.output;
  }
  ::kill(first, SIGKILL);
  int status = 0;
  ::waitpid(first, &status, 0);
  ASSERT_TRUE(WIFSIGNALED(status)) << "the run finished before it could be killed";

  // Resumed to the epoch in progress: the kill left the lock's record, not its lock.
  const int epochs = train::read_checkpoint_summary(run / "checkpoint.scidl").epoch + 1;
  auto r = run_cli("train " + cfg.string() + " --set training.epochs=" + std::to_string(epochs) +
                   " --resume " + run.string());
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find(fmt::format("ended without releasing it (pid {} on host", first)),
            std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("taking the lock over"), std::string::npos) << r.output;
  EXPECT_FALSE(exists(run / ".scidl.lock"));
}

TEST(TrainInterrupt, CtrlCWritesACheckpointPrintsTheResumeCommandAndTheResumedRunMatches) {
  TempDir dir("cli_sigint");
  write_train_data(dir.path, 1200);
  auto cfg = dir.path / "run.toml";
  write_text(cfg, train_config(4));
  ASSERT_EQ(run_cli("train " + cfg.string() + " -q --out " + (dir.path / "whole").string()).status,
            0);

  const auto run = dir.path / "run";
  const auto log = dir.path / "run.log";
  const pid_t pid = start_cli({"train", cfg.string(), "-q", "--out", run.string()}, log);
  // The handler is set before the run takes its lock, so the stop lands after a batch however
  // slowly this machine runs the training.
  ASSERT_TRUE(wait_for([&] { return exists(run / ".scidl.lock"); }));
  ::kill(pid, SIGINT);
  int status = 0;
  ::waitpid(pid, &status, 0);
  const std::string output = read_text(log);
  ASSERT_TRUE(WIFEXITED(status)) << output;
  EXPECT_EQ(WEXITSTATUS(status), 130) << output;
  const std::string command = "scidl train " + cfg.string() + " --resume " + run.string();
  EXPECT_NE(output.find("Continue it with:\n  " + command), std::string::npos) << output;
  EXPECT_FALSE(exists(run / "last.scidl"));
  EXPECT_FALSE(exists(run / ".scidl.lock"));
  EXPECT_FALSE(train::read_checkpoint_summary(run / "checkpoint.scidl").stopped);

  auto r = run_cli("train " + cfg.string() + " -q --resume " + run.string());
  ASSERT_EQ(r.status, 0) << r.output;
  expect_same_history(dir.path / "whole" / "history.csv", run / "history.csv", 4);
  EXPECT_EQ(weights_of(run / "last.scidl"), weights_of(dir.path / "whole" / "last.scidl"));
}

TEST(TrainResume, AFinishedRunExtendedToMoreEpochsEqualsALongerRunBitForBit) {
  TempDir dir("cli_extend");
  write_train_data(dir.path, 300);
  auto cfg = dir.path / "run.toml";
  write_text(cfg, train_config(3));
  const auto run = dir.path / "run", whole = dir.path / "whole";
  ASSERT_EQ(run_cli("train " + cfg.string() + " -q --out " + run.string()).status, 0);
  ASSERT_EQ(run_cli("train " + cfg.string() + " -q --set training.epochs=5 --out " + whole.string())
                .status,
            0);

  auto r = run_cli("train " + cfg.string() + " --set training.epochs=5 --resume " + run.string());
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("extending " + run.string() + " to 5 epochs, from epoch 4"),
            std::string::npos)
      << r.output;
  expect_same_history(whole / "history.csv", run / "history.csv", 5);
  EXPECT_EQ(weights_of(run / "last.scidl"), weights_of(whole / "last.scidl"));
  EXPECT_EQ(weights_of(run / "best.scidl"), weights_of(whole / "best.scidl"));
  EXPECT_NE(read_text(run / "config.json").find("\"epochs\": 5"), std::string::npos);
  EXPECT_NE(read_text(run / "config.toml").find("epochs = 5"), std::string::npos);

  r = run_cli("train " + cfg.string() + " --set training.epochs=4 --resume " + run.string());
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.output.find("the run has done 5 epochs already; set training.epochs to 5 or more"),
            std::string::npos)
      << r.output;
}

TEST(TrainInitFrom, ARunStartsFromAModelFilesWeightsAndOneThatDoesNotFitIsRefused) {
  TempDir dir("cli_init_from");
  write_train_data(dir.path, 200);
  auto cfg = dir.path / "run.toml";
  write_text(cfg, train_config(3));
  const auto first = dir.path / "first", tuned = dir.path / "tuned";
  ASSERT_EQ(run_cli("train " + cfg.string() + " -q --out " + first.string()).status, 0);
  // SGD at 1e-12 leaves the weights where they start, to float precision.
  auto r = run_cli("train " + cfg.string() +
                   " -q --set optimizer.type=sgd --set optimizer.lr=1e-12 --set "
                   "training.epochs=1 --init-from " +
                   (first / "last.scidl").string() + " --out " + tuned.string());
  ASSERT_EQ(r.status, 0) << r.output;
  const auto started = weights_of(first / "last.scidl"), ended = weights_of(tuned / "last.scidl");
  ASSERT_EQ(started.size(), ended.size());
  for (const auto& [name, values] : started)
    for (size_t i = 0; i < values.size(); ++i)
      ASSERT_NEAR(ended.at(name)[i], values[i], 1e-6) << name << "[" << i << "]";
  EXPECT_NE(read_text(tuned / "config.toml").find("init_from = "), std::string::npos);

  std::string narrower = train_config(1);
  narrower.replace(narrower.find("units = 48"), 10, "units = 32");
  write_text(dir.path / "narrow.toml", narrower);
  r = run_cli("train " + (dir.path / "narrow.toml").string() + " --init-from " +
              (first / "last.scidl").string() + " --out " + (dir.path / "narrow").string());
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.output.find("does not fit the model of"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("0.weight (model [32, 3], given [48, 3])"), std::string::npos)
      << r.output;
  EXPECT_FALSE(exists(dir.path / "narrow"));
}

TEST(TrainConfigToml, TrainingAgainFromARunsConfigTomlGivesTheSameRun) {
  TempDir dir("cli_config_toml");
  write_train_data(dir.path, 200);
  auto cfg = dir.path / "run.toml";
  write_text(cfg, train_config(2,
                               "[lr_schedule]\ntype = \"step\"\nstep_size = 1\ngamma = 0.5\n"
                               "[[callbacks]]\ntype = \"csv_logger\"\nfilename = \"log.csv\"\n"));
  const auto first = dir.path / "first", again = dir.path / "again";
  // Relative to the working directory, so the data paths in the run's config are too.
  const auto relative = std::filesystem::relative(cfg);
  ASSERT_EQ(run_cli("train " + relative.string() + " -q --out " + first.string()).status, 0);
  ASSERT_TRUE(exists(first / "config.toml"));
  auto r = run_cli("train " + (first / "config.toml").string() + " -q --out " + again.string());
  ASSERT_EQ(r.status, 0) << r.output;
  expect_same_history(first / "history.csv", again / "history.csv", 2);
  EXPECT_EQ(weights_of(first / "last.scidl"), weights_of(again / "last.scidl"));
  EXPECT_TRUE(exists(again / "log.csv"));
  // The same file continues its own run.
  r = run_cli("train " + (first / "config.toml").string() + " --resume " + first.string());
  EXPECT_EQ(r.status, 0) << r.output;
}

}  // namespace
}  // namespace scidl::testing

namespace scidl::testing {
namespace {

// config.json holds the data paths absolute, so a run resumes from another working directory
// with the same config (its paths are relative to the config file, wherever one stands).
TEST(TrainResume, ARunResumesFromAnotherWorkingDirectory) {
  TempDir dir("cli_resume_cwd");
  std::filesystem::create_directories(dir.path / "cfg");
  write_train_data(dir.path / "cfg", 200);
  write_text(dir.path / "cfg" / "run.toml", train_config(2));
  const auto before = std::filesystem::current_path();
  std::filesystem::current_path(dir.path);
  auto r = run_cli("train cfg/run.toml -q --out runs/r");
  std::filesystem::current_path(dir.path / "cfg");
  auto extended = run_cli("train run.toml -q --set training.epochs=3 --resume ../runs/r");
  std::filesystem::current_path(before);
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_EQ(extended.status, 0) << extended.output;
}

}  // namespace
}  // namespace scidl::testing
