// Slurm for real: scripts/slurm_start.sh starts a single-node cluster (slurm-wlm: scripts/setup.sh
// --slurm), then the data-parallel sbatch example runs to completion, `srun -n 2 scidl train`
// trains as two ranks, and a scidl tune study runs its trials as Slurm jobs with ASHA stopping
// some. Without slurm-wlm, or not as root (the cluster's daemons run as root), each skips saying
// so.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "../test_util.h"
#include "scidl/tune/study_db.h"

namespace {

namespace fs = std::filesystem;
using scidl::testing::run_cli;

const fs::path kSource = fs::path(SCIDL_TEST_DATA) / ".." / "..";

std::string read_text(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// A shell command's status and output, with Slurm's commands pointed at the cluster and this
// build's scidl first on PATH.
scidl::testing::CommandResult shell(const std::string& command) {
  const std::string line = "export SLURM_CONF=/tmp/scidl-slurm/slurm.conf PATH=" +
                           fs::path(SCIDL_CLI).parent_path().string() + ":$PATH; " + command +
                           " 2>&1";
  FILE* pipe = popen(line.c_str(), "r");
  scidl::testing::CommandResult r{-1, ""};
  char buffer[4096];
  while (fgets(buffer, sizeof buffer, pipe)) r.output += buffer;
  const int raw = pclose(pipe);
  r.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  return r;
}

// Why the cluster cannot be started here, or "" once it runs.
std::string start_cluster() {
  if (shell("command -v slurmctld").status != 0)
    return "slurm-wlm is not installed (scripts/setup.sh --slurm installs it)";
  if (::geteuid() != 0) return "the single-node cluster's daemons run as root; run as root";
  const auto r = shell("timeout 120 " + (kSource / "scripts" / "slurm_start.sh").string());
  if (r.status != 0) ADD_FAILURE() << r.output;
  return r.status == 0 ? "" : "scripts/slurm_start.sh failed";
}

fs::path work_dir(const std::string& name) {
  const auto dir = fs::path(SCIDL_BUILD_DIR) / "slow_tests" / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

}  // namespace

TEST(Slurm, TheDataParallelSbatchExampleTrainsToCompletion) {
  if (auto why = start_cluster(); !why.empty()) GTEST_SKIP() << why;
  const auto dir = work_dir("slurm_sbatch");
  const auto config = kSource / "examples" / "training" / "oscillator_callbacks.toml";
  const auto r = shell("cd " + dir.string() + " && timeout 900 sbatch --wait " +
                       (kSource / "examples" / "distributed" / "train_ddp.sbatch").string() + " " +
                       config.string() + " --set training.epochs=2");
  ASSERT_EQ(r.status, 0) << r.output;
  std::string log;
  for (const auto& f : fs::directory_iterator(dir))
    if (f.path().filename().string().rfind("scidl-ddp-", 0) == 0) log = read_text(f.path());
  EXPECT_NE(log.find("data-parallel: 2 ranks over MPI"), std::string::npos) << log;
  const auto run = dir / "runs" / "oscillator_callbacks";
  for (const char* f : {"best.scidl", "last.scidl", "history.csv", "config.toml"})
    EXPECT_TRUE(fs::exists(run / f)) << f << "\n" << log;
  const auto history = read_text(run / "history.csv");
  EXPECT_EQ(std::count(history.begin(), history.end(), '\n'), 3) << history;  // header + 2
}

TEST(Slurm, SrunStartsTwoRanksOfOneJob) {
  if (auto why = start_cluster(); !why.empty()) GTEST_SKIP() << why;
  const auto dir = work_dir("slurm_srun");
  const auto r = shell("cd " + dir.string() + " && timeout 600 srun -n 2 scidl train " +
                       (kSource / "examples" / "training" / "oscillator_callbacks.toml").string() +
                       " --set training.epochs=1 --out run");
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("data-parallel: 2 ranks over MPI"), std::string::npos) << r.output;
  EXPECT_TRUE(fs::exists(dir / "run" / "best.scidl")) << r.output;
  // Without PMIx Open MPI cannot join the step: said, with the way to launch, not an MPI abort.
  const auto none =
      shell("cd " + dir.string() + " && timeout 600 srun --mpi=none -n 2 scidl train " +
            (kSource / "examples" / "training" / "oscillator_callbacks.toml").string() +
            " --set training.epochs=1 --out run2");
  EXPECT_NE(none.status, 0);
  EXPECT_NE(none.output.find("without PMIx"), std::string::npos) << none.output;
  EXPECT_NE(none.output.find("srun --mpi=pmix -n 2"), std::string::npos) << none.output;
}

TEST(Slurm, ATuneStudyRunsItsTrialsAsJobsAndAshaStopsSome) {
  if (auto why = start_cluster(); !why.empty()) GTEST_SKIP() << why;
  const auto dir = work_dir("slurm_tune");
  const auto study = dir / "study";
  const auto r = shell("timeout 1200 scidl tune " +
                       (kSource / "examples" / "tune" / "iris_asha.toml").string() +
                       " --set executor=slurm --set num_samples=6 --set concurrency=2"
                       " --set base.training.epochs=8 --set asha.max_t=8 --out " +
                       study.string());
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("as Slurm jobs (sbatch)"), std::string::npos) << r.output;
  const auto board = read_text(study / "leaderboard.csv");
  EXPECT_EQ(std::count(board.begin(), board.end(), '\n'), 7) << board;
  const auto db = scidl::tune::StudyDb::open(study / "study.db", false);
  int stopped = 0, completed = 0;
  std::string ids;
  for (const auto& t : db.trials()) {
    stopped += t.state == scidl::tune::TrialState::stopped;
    completed += t.state == scidl::tune::TrialState::completed;
    ids += (ids.empty() ? "" : ",") +
           read_text(study / "jobs" / fmt::format("trial_{:04d}", t.id) / "job_id");
  }
  EXPECT_EQ(stopped + completed, 6) << board;
  EXPECT_GE(stopped, 1) << board;
  EXPECT_TRUE(fs::exists(study / "best_model.scidl"));
  // Slurm saw each trial as a job that ran to its end (ASHA's stops end a trial at an epoch).
  ids.erase(std::remove(ids.begin(), ids.end(), '\n'), ids.end());
  const auto states = shell("squeue --noheader --states=all --jobs=" + ids + " --format=%T");
  EXPECT_EQ(states.output.find("FAILED"), std::string::npos) << states.output;
  EXPECT_EQ(std::count(states.output.begin(), states.output.end(), '\n'), 6) << states.output;
}

// Ctrl-C of the tuner is an scancel of its jobs: Slurm's SIGTERM makes each trial write its
// checkpoint, the jobs end CANCELLED, the record keeps the trials running, and --resume
// submits them again to continue from their checkpoints.
TEST(Slurm, AnInterruptedStudyCancelsItsJobsAndResumesThem) {
  if (auto why = start_cluster(); !why.empty()) GTEST_SKIP() << why;
  const auto dir = work_dir("slurm_tune_resume");
  const auto study = dir / "study";
  const std::string tune = "scidl tune " +
                           (kSource / "examples" / "tune" / "iris_asha.toml").string() +
                           " --set executor=slurm --set num_samples=2 --set concurrency=2"
                           " --set scheduler=fifo --set base.training.epochs=100"
                           " --set asha.max_t=100 --out " +
                           study.string();
  const auto r = shell("(" + tune + " > " + (dir / "first.log").string() +
                       " 2>&1 & pid=$!; for i in $(seq 600); do [ -s " +
                       (study / "jobs" / "trial_0001" / "reports.jsonl").string() +
                       " ] && break; sleep 0.2; done; kill -INT $pid; wait $pid)");
  EXPECT_EQ(r.status, 130) << r.output << read_text(dir / "first.log");
  const auto first = read_text(dir / "first.log");
  EXPECT_NE(first.find("scidl tune --resume"), std::string::npos) << first;
  const auto job = read_text(study / "jobs" / "trial_0000" / "job_id");
  const auto state = shell("squeue --noheader --states=all --format=%T --jobs=" + job);
  EXPECT_NE(state.output.find("CANCELLED"), std::string::npos) << state.output;
  EXPECT_TRUE(fs::exists(study / "trials" / "trial_0000" / "checkpoint.scidl"));
  {
    const auto db = scidl::tune::StudyDb::open(study / "study.db", false);
    for (const auto& t : db.trials()) EXPECT_EQ(t.state, scidl::tune::TrialState::running);
  }
  const auto resumed = shell("timeout 1200 scidl tune --resume " + study.string());
  ASSERT_EQ(resumed.status, 0) << resumed.output;
  EXPECT_NE(resumed.output.find("continuing trial_0000"), std::string::npos) << resumed.output;
  const auto db = scidl::tune::StudyDb::open(study / "study.db", false);
  for (const auto& t : db.trials()) {
    EXPECT_EQ(t.state, scidl::tune::TrialState::completed);
    EXPECT_EQ(t.epochs, 100);
  }
}
