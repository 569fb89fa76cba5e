// `mpirun -np 2 scidl train CONFIG` as users run it: one run folder written by rank 0, epoch
// the run's lines printed once, the job's loss in them, a resume under MPI that continues exactly;
// a rank killed (SIGKILL) or hung (SIGSTOP) ends the job within the stated timeout with the rank
// named, and the run resumes from its last checkpoint; ranks given different configs are told which
// keys differ; the same job as a pipeline of two stages writes the whole model, resumes exactly,
// and stops naming a hung stage. Every test skips when CMake found no mpirun (SCIDL_MPIRUN is
// empty).
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>

#include <chrono>
#include <fstream>
#include <thread>

#include "scidl/train/checkpoint.h"
#include "train_fixture.h"

namespace scidl::testing {
namespace {

constexpr const char* kMpirun = SCIDL_MPIRUN;
// As root (these machines), Open MPI wants --allow-run-as-root; 2 ranks may exceed the slots
// it counts, hence --oversubscribe.
const std::vector<std::string> kMpirunFlags{
    "--allow-run-as-root", "--oversubscribe", "--bind-to", "none", "-x", "OMP_NUM_THREADS=1"};

#define SKIP_WITHOUT_MPIRUN() \
  if (std::string(kMpirun).empty()) GTEST_SKIP() << "no mpirun (CMake found no MPI)"

std::vector<std::string> mpirun_args(int ranks, const std::vector<std::string>& scidl_args,
                                     const std::vector<std::string>& env = {}) {
  std::vector<std::string> args = kMpirunFlags;
  for (const auto& e : env) {
    args.push_back("-x");
    args.push_back(e);
  }
  args.push_back("-np");
  args.push_back(std::to_string(ranks));
  args.push_back(SCIDL_CLI);
  args.insert(args.end(), scidl_args.begin(), scidl_args.end());
  return args;
}

std::string quoted(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& w : words) out += " '" + w + "'";
  return out;
}

CommandResult run_mpirun(int ranks, const std::vector<std::string>& scidl_args) {
  const std::string cmd =
      "timeout 120 " + std::string(kMpirun) + quoted(mpirun_args(ranks, scidl_args)) + " 2>&1";
  FILE* pipe = popen(cmd.c_str(), "r");
  CommandResult r{-1, ""};
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, pipe)) > 0) r.output.append(buf, n);
  const int st = pclose(pipe);
  r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  return r;
}

pid_t start_mpirun(const std::vector<std::string>& args, const std::filesystem::path& log) {
  const pid_t pid = ::fork();
  if (pid != 0) return pid;
  const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  ::dup2(fd, STDOUT_FILENO);
  ::dup2(fd, STDERR_FILENO);
  std::vector<char*> argv{const_cast<char*>(kMpirun)};
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  ::execv(kMpirun, argv.data());
  ::_exit(127);
}

// The process of rank `rank` among mpirun's children (its environment says which it is).
pid_t rank_pid(pid_t mpirun, int rank) {
  const std::string want = fmt::format("OMPI_COMM_WORLD_RANK={}", rank);
  for (const auto& e : std::filesystem::directory_iterator("/proc")) {
    const std::string name = e.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream stat(e.path() / "stat");
    std::string line;
    std::getline(stat, line);
    const auto close = line.rfind(')');
    if (close == std::string::npos) continue;
    int ppid = 0;
    char state = 0;
    if (std::sscanf(line.c_str() + close + 1, " %c %d", &state, &ppid) != 2 || ppid != mpirun)
      continue;
    const std::string environ = read_text(e.path() / "environ");
    for (size_t at = 0; at < environ.size(); at = environ.find('\0', at) + 1) {
      if (environ.compare(at, want.size() + 1, want + '\0') == 0) return std::stoi(name);
      if (environ.find('\0', at) == std::string::npos) break;
    }
  }
  return -1;
}

// mpirun's exit status, or -1 when it has not ended within `limit`.
int wait_for(pid_t pid, std::chrono::seconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    if (::waitpid(pid, &status, WNOHANG) == pid)
      return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return -1;
}

bool wait_for_file(const std::filesystem::path& p, std::chrono::seconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!std::filesystem::exists(p) && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  return std::filesystem::exists(p);
}

size_t count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

// A 2-rank job of `cfg` trained 2 epochs into `halves`, then resumed to 4: the same history as
// the 4-epoch run in `whole`, and `weights` bit for bit.
void expect_resumed_job_matches(const std::filesystem::path& cfg,
                                const std::filesystem::path& halves,
                                const std::filesystem::path& whole,
                                const std::map<std::string, std::vector<float>>& weights) {
  auto r = run_mpirun(
      2, {"train", cfg.string(), "-q", "--set", "training.epochs=2", "--out", halves.string()});
  ASSERT_EQ(r.status, 0) << r.output;
  r = run_mpirun(
      2, {"train", cfg.string(), "-q", "--set", "training.epochs=4", "--resume", halves.string()});
  ASSERT_EQ(r.status, 0) << r.output;
  expect_same_history(halves / "history.csv", whole / "history.csv", 4);
  EXPECT_EQ(weights_of(halves / "last.scidl"), weights);
}

TEST(TrainMpi, TwoRanksWriteOneRunAndAResumeContinuesExactly) {
  SKIP_WITHOUT_MPIRUN();
  TempDir dir("cli_mpi_run");
  write_train_data(dir.path, 400);  // 320 training rows: 160 a rank, 20 steps of 8 an epoch
  const auto cfg = dir.path / "run.toml";
  write_text(cfg, train_config(4));
  const auto whole = dir.path / "whole";
  auto r = run_mpirun(2, {"train", cfg.string(), "--out", whole.string()});
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("data-parallel: 2 ranks over MPI"), std::string::npos) << r.output;
  EXPECT_EQ(count(r.output, "data: 400 rows"), 1u) << "rank 0 alone prints:\n" << r.output;
  EXPECT_EQ(count(r.output, "summary: 4 epochs"), 1u) << r.output;
  for (const char* f : {"config.json", "history.csv", "checkpoint.scidl", "last.scidl"})
    EXPECT_TRUE(std::filesystem::exists(whole / f)) << f;
  const auto summary = train::read_checkpoint_summary(whole / "checkpoint.scidl");
  EXPECT_EQ(summary.global_step, 4 * 20) << "each rank trains its half of every epoch";

  // Two epochs, then extended to four under MPI: the same history and weights, bit for bit.
  expect_resumed_job_matches(cfg, dir.path / "halves", whole, weights_of(whole / "last.scidl"));
}

TEST(TrainMpi, LinearScalingTrainsAtTheRateTimesTheRanksAfterItsWarmUp) {
  SKIP_WITHOUT_MPIRUN();
  TempDir dir("cli_mpi_lr");
  write_train_data(dir.path, 200);
  const auto cfg = dir.path / "run.toml";
  write_text(cfg, train_config(2));  // Adam at lr 0.003
  const auto run = dir.path / "run";
  auto r = run_mpirun(2, {"train", cfg.string(), "-q", "--set", "training.lr_scaling=\"linear\"",
                          "--set", "training.lr_warmup_epochs=1", "--out", run.string()});
  ASSERT_EQ(r.status, 0) << r.output;
  const auto history = data::read_csv(run / "history.csv");
  const auto lr = std::find(history.column_names.begin(), history.column_names.end(), "lr") -
                  history.column_names.begin();
  ASSERT_LT(lr, history.cols);
  for (int64_t e = 0; e < history.rows; ++e)  // the warm-up ends with the first epoch
    EXPECT_DOUBLE_EQ(history.values[size_t(e * history.cols + lr)], 0.006) << "epoch " << e + 1;
}

TEST(TrainMpi, RanksGivenDifferentConfigsAreStoppedNamingTheKeys) {
  SKIP_WITHOUT_MPIRUN();
  TempDir dir("cli_mpi_configs");
  write_train_data(dir.path, 100);
  const auto cfg = dir.path / "run.toml";
  write_text(cfg, train_config(1));
  // Open MPI's MPMD form: rank 0 and rank 1 get different command lines.
  std::vector<std::string> args = kMpirunFlags;
  for (const std::string set : {"training.batch_size=8", "training.batch_size=16"}) {
    if (args.size() > kMpirunFlags.size()) args.push_back(":");
    for (const char* w : {"-np", "1", SCIDL_CLI, "train"}) args.push_back(w);
    for (const std::string& w : {cfg.string(), std::string("--set"), set, std::string("--out"),
                                 (dir.path / "run").string()})
      args.push_back(w);
  }
  const std::string cmd = "timeout 120 " + std::string(kMpirun) + quoted(args) + " 2>&1";
  FILE* pipe = popen(cmd.c_str(), "r");
  std::string output;
  char buf[4096];
  for (size_t n; (n = fread(buf, 1, sizeof buf, pipe)) > 0;) output.append(buf, n);
  const int status = pclose(pipe);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 1) << output;
  EXPECT_NE(output.find("training.batch_size: 8 on rank 0, 16 on rank 1"), std::string::npos)
      << output;
  EXPECT_FALSE(std::filesystem::exists(dir.path / "run" / "history.csv"));
}

// A rank that dies (SIGKILL) or hangs (SIGSTOP) mid-run: the job ends within the timeout with
// that rank named, and --resume continues from the last checkpoint.
void fault_and_resume(int signal, const std::string& expected, const std::string& extra = "") {
  TempDir dir(std::string(signal == SIGKILL ? "cli_mpi_kill" : "cli_mpi_hang") +
              (extra.empty() ? "" : "_pipeline"));
  write_train_data(dir.path, 400);
  const auto cfg = dir.path / "run.toml";
  write_text(cfg, train_config(1000, extra));
  const auto run = dir.path / "run";
  const auto log = dir.path / "log.txt";
  const int timeout_s = 3;
  const pid_t mpirun =
      start_mpirun(mpirun_args(2, {"train", cfg.string(), "-q", "--out", run.string()},
                               {fmt::format("SCIDL_DIST_TIMEOUT_S={}", timeout_s)}),
                   log);
  ASSERT_TRUE(wait_for_file(run / "checkpoint.scidl", std::chrono::seconds(60))) << read_text(log);
  const pid_t victim = rank_pid(mpirun, 1);
  ASSERT_GT(victim, 0) << "rank 1 not found among mpirun's children";
  const auto t0 = std::chrono::steady_clock::now();
  ::kill(victim, signal);
  // The stated limit: the timeout, the probe's grace (at most the timeout), and mpirun's own
  // teardown.
  const int status = wait_for(mpirun, std::chrono::seconds(2 * timeout_s + 30));
  const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (status < 0) {
    ::kill(victim, SIGKILL);
    ::kill(mpirun, SIGKILL);
    ::waitpid(mpirun, nullptr, 0);
  }
  ASSERT_GT(status, 0) << "the job did not end (" << took << " s):\n" << read_text(log);
  const std::string output = read_text(log);
  EXPECT_NE(output.find(expected), std::string::npos) << output;
  ::testing::Test::RecordProperty("seconds_to_stop", fmt::format("{:.1f}", took));

  const auto done = train::read_checkpoint_summary(run / "checkpoint.scidl");
  auto r =
      run_mpirun(2, {"train", cfg.string(), "-q", "--set",
                     fmt::format("training.epochs={}", done.epoch + 1), "--resume", run.string()});
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_TRUE(std::filesystem::exists(run / "last.scidl"));
}

TEST(TrainMpi, AKilledRankEndsTheJobNamingIt) {
  SKIP_WITHOUT_MPIRUN();
  fault_and_resume(SIGKILL, "rank 1");
}

TEST(TrainMpi, AHungRankEndsTheJobWithinTheTimeoutNamingIt) {
  SKIP_WITHOUT_MPIRUN();
  fault_and_resume(SIGSTOP, "rank 1 (on ");
}

// The same job as a pipeline of two stages: rank 0 the first dense layer (and its tanh and
// dropout), rank 1 the output layer.
const char* const kPipeline = "[distributed]\nmode = \"pipeline\"\nmicro_batches = 4\n";

TEST(TrainMpi, APipelineWritesTheWholeModelAndAResumeContinuesExactly) {
  SKIP_WITHOUT_MPIRUN();
  TempDir dir("cli_mpi_pipeline");
  write_train_data(dir.path, 400);  // 320 training rows: 40 steps of 8, 4 micro-batches of 2
  const auto cfg = dir.path / "run.toml";
  write_text(cfg, train_config(4, kPipeline));
  const auto whole = dir.path / "whole";
  auto r = run_mpirun(2, {"train", cfg.string(), "--out", whole.string()});
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("pipeline: 2 stages over MPI"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("pipeline stage 1: layers 0-2 (192 parameters), stage 2: layer 3 (49 "
                          "parameters); 4 micro-batches a batch"),
            std::string::npos)
      << r.output;
  EXPECT_EQ(count(r.output, "summary: 4 epochs"), 1u) << r.output;
  const auto summary = train::read_checkpoint_summary(whole / "checkpoint.scidl");
  EXPECT_EQ(summary.global_step, 4 * 40) << "every stage takes every batch";
  // The model file is the whole model, as one rank writes it.
  const auto alone = dir.path / "alone";
  r = run_cli(fmt::format("train '{}' -q --out '{}'", cfg.string(), alone.string()));
  ASSERT_EQ(r.status, 0) << r.output;
  const auto piped = weights_of(whole / "last.scidl");
  const auto single = weights_of(alone / "last.scidl");
  ASSERT_EQ(piped.size(), single.size());
  for (const auto& [name, values] : single) EXPECT_EQ(piped.at(name).size(), values.size()) << name;

  // Two epochs, then extended to four: the same history and weights, bit for bit.
  expect_resumed_job_matches(cfg, dir.path / "halves", whole, piped);
}

TEST(TrainMpi, APipelineStageThatHangsEndsTheJobWithinTheTimeoutNamingIt) {
  SKIP_WITHOUT_MPIRUN();
  fault_and_resume(SIGSTOP, "rank 1 (on ", kPipeline);
}

TEST(TrainMpi, APipelineOfMoreStagesThanLayersIsRefusedOnce) {
  SKIP_WITHOUT_MPIRUN();
  TempDir dir("cli_mpi_pipeline_refused");
  write_train_data(dir.path, 100);
  const auto cfg = dir.path / "run.toml";
  write_text(cfg, train_config(1, kPipeline));
  auto r = run_mpirun(3, {"train", cfg.string(), "-q", "--out", (dir.path / "run").string()});
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_EQ(count(r.output, "but the model has 2: run at most 2 ranks"), 1u) << r.output;
}

}  // namespace
}  // namespace scidl::testing
