// scidl tune end to end on Debian's Iris (python3-sklearn): a study, its outputs, a kill -9 and
// --resume, and the bad inputs a user meets first.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

#include "../test_util.h"

using namespace scidl::testing;

namespace {

const std::string kIris = std::string(SCIDL_TEST_DATA) + "/../../examples/tune/iris.toml";

std::string read_text(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// A small study of the Iris network: `extra` adds or replaces top-level keys.
std::filesystem::path write_study(const TempDir& dir, const std::string& name,
                                  const std::string& extra, const std::string& space) {
  const auto file = dir.path / (name + ".toml");
  const bool own_metric = extra.find("metric") != std::string::npos;
  write_text(file, "base = \"" + kIris + "\"\n" + (own_metric ? "" : "metric = \"val_loss\"\n") +
                       "seed = 3\n" + extra + "\n[space]\n" + space + "\n[output]\ndir = \"" +
                       name + "\"\n");
  return file;
}

const char* kSpace = R"("model.layers[1].units" = { choice = [4, 8, 16] }
"optimizer.lr" = { loguniform = [1e-3, 1e-1] }
"training.epochs" = 4
)";

// The leaderboard without its seconds column.
std::string ranking(const std::filesystem::path& study) {
  std::stringstream in(read_text(study / "leaderboard.csv")), out;
  for (std::string line; std::getline(in, line);) out << line.substr(0, line.rfind(',')) << "\n";
  return out.str();
}

}  // namespace

TEST(TuneCommand, AnAshaStudyOnIrisWritesItsLeaderboardCurvesAndBestModel) {
  TempDir dir("tune_asha");
  const auto config = write_study(
      dir, "study", "scheduler = \"asha\"\nnum_samples = 6\nconcurrency = 2\n[asha]\nmax_t = 4\n",
      kSpace);
  const auto r = run_cli("tune " + config.string() + " --out " + (dir.path / "study").string());
  ASSERT_EQ(r.status, 0) << r.output;
  const auto study = dir.path / "study";
  const std::string board = read_text(study / "leaderboard.csv");
  EXPECT_EQ(std::count(board.begin(), board.end(), '\n'), 7) << board;  // header + 6 trials
  EXPECT_NE(board.find("rank,trial,model.layers[1].units,optimizer.lr,val_loss,best_val_loss,"
                       "epochs,ended,seconds"),
            std::string::npos)
      << board;
  for (const char* f : {"best_model.scidl", "best_config.toml", "curves.svg", "curves.png",
                        "leaderboard.md", "study.db", "trials/trial_0005/history.csv"})
    EXPECT_TRUE(std::filesystem::exists(study / f)) << f;
  EXPECT_TRUE(std::filesystem::exists(study / "tensorboard" / "trial_0000"));
  // The best model predicts: it is a real model of the winning trial.
  const auto predicted = run_cli("predict --model " + (study / "best_model.scidl").string() +
                                 " --input /usr/lib/python3/dist-packages/sklearn/datasets/data/"
                                 "iris.csv --output " +
                                 (dir.path / "p.csv").string());
  EXPECT_EQ(predicted.status, 0) << predicted.output;
}

TEST(TuneCommand, AStudyKilledMidwayResumesToTheLeaderboardOfAnUninterruptedOne) {
  TempDir dir("tune_resume");
  // One trial at a time, so the order of results is the same in both; ASHA's first rung at epoch
  // 10 judges the interrupted trial after the resume, against what the replay brought back.
  const std::string extra =
      "scheduler = \"asha\"\nnum_samples = 4\nconcurrency = 1\n[asha]\nmax_t = 60\n"
      "grace_period = 10\n";
  const std::string space = R"("model.layers[1].units" = { choice = [4, 8, 16] }
"optimizer.lr" = { loguniform = [1e-3, 1e-1] }
"training.epochs" = 60
)";
  const auto whole = write_study(dir, "whole", extra, space);
  const std::string run_whole = std::string(SCIDL_CLI) + " tune -q " + whole.string() + " --out " +
                                (dir.path / "whole").string() + " > " +
                                (dir.path / "whole.log").string() + " 2>&1 & echo $! > " +
                                (dir.path / "whole_pid").string();
  ASSERT_EQ(std::system(run_whole.c_str()), 0);
  // One writer per study: while it runs, a second tuner on it is refused, naming the first.
  const auto whole_started = dir.path / "whole" / "trials" / "trial_0000.toml";
  for (int i = 0; i < 600 && !std::filesystem::exists(whole_started); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  const auto second = run_cli("tune -q --resume " + (dir.path / "whole").string());
  EXPECT_EQ(second.status, 1) << second.output;
  const std::string whole_pid = std::to_string(std::stoi(read_text(dir.path / "whole_pid")));
  EXPECT_NE(second.output.find("is in use by another `scidl tune` (pid " + whole_pid),
            std::string::npos)
      << second.output;
  for (int i = 0; i < 1200 && !std::filesystem::exists(dir.path / "whole" / "leaderboard.csv"); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  ASSERT_TRUE(std::filesystem::exists(dir.path / "whole" / "leaderboard.csv"))
      << read_text(dir.path / "whole.log");

  const auto killed = write_study(dir, "killed", extra, space);
  const auto pid_file = dir.path / "pid";
  const std::string start = std::string(SCIDL_CLI) + " tune -q " + killed.string() + " --out " +
                            (dir.path / "killed").string() + " > " +
                            (dir.path / "first.log").string() + " 2>&1 & echo $! > " +
                            pid_file.string();
  ASSERT_EQ(std::system(start.c_str()), 0);
  // Kill the tuner once the second trial has a checkpoint: trial 0 is finished, trial 1 runs.
  const auto checkpoint = dir.path / "killed" / "trials" / "trial_0001" / "checkpoint.scidl";
  for (int i = 0; i < 600 && !std::filesystem::exists(checkpoint); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  const pid_t pid = std::stoi(read_text(pid_file));
  ASSERT_EQ(::kill(pid, SIGKILL), 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_FALSE(std::filesystem::exists(dir.path / "killed" / "leaderboard.csv"));

  const auto resumed = run_cli("tune -q --resume " + (dir.path / "killed").string());
  ASSERT_EQ(resumed.status, 0) << resumed.output << read_text(dir.path / "first.log");
  EXPECT_EQ(ranking(dir.path / "killed"), ranking(dir.path / "whole"));
}

TEST(TuneCommand, ATrialThatCrashesIsMarkedFailedAndTheStudyGoesOn) {
  TempDir dir("tune_crash");
  const auto config = write_study(dir, "study", "num_samples = 1\nconcurrency = 1\n",
                                  "\"model.layers[1].units\" = { grid_search = [8, 0] }\n"
                                  "\"training.epochs\" = 2\n");
  const auto r = run_cli("tune " + config.string() + " --out " + (dir.path / "study").string());
  ASSERT_EQ(r.status, 0) << r.output;
  const std::string board = read_text(dir.path / "study" / "leaderboard.csv");
  EXPECT_NE(board.find("1,trial_0000,8,"), std::string::npos) << board;
  EXPECT_NE(board.find(",trial_0001,0,"), std::string::npos) << board;
  EXPECT_NE(board.find("failed: exit status 1"), std::string::npos) << board;
}

TEST(TuneCommand, BadConfigsAreRefusedBeforeAnyTrialRuns) {
  TempDir dir("tune_bad");
  const auto refused = [&](const std::string& extra, const std::string& space,
                           const std::string& message) {
    const auto config = write_study(dir, "s", extra, space);
    const auto r = run_cli("tune " + config.string() + " --out " + (dir.path / "s").string());
    EXPECT_EQ(r.status, 1) << r.output;
    EXPECT_NE(r.output.find(message), std::string::npos) << r.output;
    EXPECT_FALSE(std::filesystem::exists(dir.path / "s" / "study.db"));
  };
  refused("metric = \"val_acuracy\"\n", kSpace,
          "metric 'val_acuracy' is not a value the run logs; did you mean 'val_accuracy'?");
  refused("", "\"model.layrs[1].units\" = { choice = [4, 8] }\n",
          "'model' has no key 'layrs'; did you mean 'layers'?");
  refused("", "\"model.layers[9].units\" = { choice = [4, 8] }\n",
          "'model.layers' has 4 entries, so [9] does not exist");
  refused("", "\"model.layers[1].unit\" = { choice = [4, 8] }\n", "sets no such key");
  refused("", "\"optimizer.learning_rate\" = { loguniform = [1e-3, 1e-1] }\n", "learning_rate");
  refused("scheduler = \"asha\"\n[asha]\nmax_t = 4\ngrace_period = 8\n", kSpace,
          "grace_period 8 is above max_t 4");
  refused("", "\"optimizer.lr\" = { loguniform = [0, 1e-1] }\n", "lower bound must be > 0");
  refused("", "", "the search space is empty");
}

TEST(TuneCommand, AStudyFolderOfAnotherConfigIsRefusedListingTheDifferences) {
  TempDir dir("tune_other");
  const auto first = write_study(dir, "study", "num_samples = 1\n", kSpace);
  ASSERT_EQ(run_cli("tune -q " + first.string() + " --out " + (dir.path / "study").string()).status,
            0);
  const auto again =
      run_cli("tune -q " + first.string() + " --out " + (dir.path / "study").string());
  EXPECT_EQ(again.status, 1);
  EXPECT_NE(again.output.find("already holds a study: continue it with --resume"),
            std::string::npos)
      << again.output;
  const auto other = run_cli("tune -q " + first.string() +
                             " --set num_samples=3 --set seed=4 "
                             "--resume " +
                             (dir.path / "study").string());
  EXPECT_EQ(other.status, 1);
  EXPECT_NE(other.output.find("made by another config"), std::string::npos) << other.output;
  EXPECT_NE(other.output.find("num_samples"), std::string::npos) << other.output;
  EXPECT_NE(other.output.find("seed"), std::string::npos) << other.output;
}

TEST(TuneCommand, TheHParamsTutorialsGridOnFashionMnistRunsEveryCombination) {
  TempDir dir("tune_hparams");
  const std::string example =
      std::string(SCIDL_TEST_DATA) + "/../../examples/tune/fashion_hparams.toml";
  const auto r = run_cli("tune -q " + example + " --out " + (dir.path / "study").string());
  ASSERT_EQ(r.status, 0) << r.output;
  const std::string board = read_text(dir.path / "study" / "leaderboard.csv");
  EXPECT_EQ(std::count(board.begin(), board.end(), '\n'), 9) << board;  // 2 x 2 x 2 sessions
  for (const char* point : {",16,0.1,adam,", ",16,0.1,sgd,", ",32,0.2,adam,", ",32,0.2,sgd,"})
    EXPECT_NE(board.find(point), std::string::npos) << point << "\n" << board;
  // One epoch of Adam at lr 1e-3 beats one of plain SGD at its default rate, as in the tutorial.
  EXPECT_NE(board.find("1,trial_"), std::string::npos);
  EXPECT_NE(board.substr(0, board.find("\n2,")).find("adam"), std::string::npos) << board;
  for (int t = 0; t < 8; ++t)
    EXPECT_TRUE(std::filesystem::exists(dir.path / "study" / "tensorboard" /
                                        ("trial_000" + std::to_string(t))));
}
