// scidl tune's Slurm executor against stand-ins for sbatch, squeue, scancel, sinfo and sacct
// (tests/tune/fake_slurm/: they run each job here, in its own process group, and keep its state in
// files), so it runs on every machine: what is submitted, the states read back, a cancel, a
// failed and a timed-out job in the record, and the message when Slurm is not there. The same
// study on a real single-node cluster is tests/slow/tune_slurm_slow.cpp.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "../test_util.h"
#include "scidl/tune/slurm_executor.h"
#include "scidl/tune/study_db.h"

using namespace scidl::testing;
using namespace scidl::tune;
namespace fs = std::filesystem;

namespace {

const std::string kIris = std::string(SCIDL_TEST_DATA) + "/../../examples/tune/iris.toml";

std::string read_text(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// A copy of the stand-ins in `dir`/bin, whose state/ is this test's alone.
fs::path fake_slurm(const TempDir& dir) {
  const auto bin = dir.path / "bin";
  fs::copy(fs::path(SCIDL_TEST_DATA) / ".." / "tune" / "fake_slurm", bin);
  fs::create_directories(bin / "state");
  return bin;
}

// PATH with the stand-ins first, for the scidl command run_cli starts.
std::string path_with(const fs::path& bin) {
  return "PATH=" + bin.string() + ":" + std::getenv("PATH");
}

// PATH with the stand-ins first in this process, for the executor's own calls.
struct PathFirst {
  std::string before = std::getenv("PATH");
  explicit PathFirst(const fs::path& bin) {
    ::setenv("PATH", (bin.string() + ":" + before).c_str(), 1);
  }
  ~PathFirst() { ::setenv("PATH", before.c_str(), 1); }
};

fs::path write_study(const TempDir& dir, const std::string& extra) {
  const auto file = dir.path / "study.toml";
  write_text(file, "base = \"" + kIris + "\"\nmetric = \"val_loss\"\nseed = 3\n" + extra +
                       "\n[space]\n\"model.layers[1].units\" = { choice = [4, 8, 16] }\n"
                       "\"training.epochs\" = 4\n");
  return file;
}

const char* kSlurm =
    "executor = \"slurm\"\n[slurm]\npartition = \"debug\"\ntime_limit = \"5\"\n"
    "sbatch_args = [\"--mem=1G\"]\npoll_s = 0.2\n";

}  // namespace

TEST(SlurmCommands, SqueueAndSacctLinesBecomeJobStates) {
  const auto queue = parse_squeue(
      "12|RUNNING|None|0|\n13|PENDING|Resources|0|\n14|FAILED|"
      "NonZeroExitCode|2|\n");
  ASSERT_EQ(queue.size(), 3u);
  EXPECT_EQ(queue.at("12").state, "RUNNING");
  EXPECT_EQ(queue.at("13").reason, "Resources");
  EXPECT_EQ(queue.at("14").exit_code, 2);
  const auto accounting = parse_sacct("15|CANCELLED by 0|0:15\n16|TIMEOUT|0:0\n");
  EXPECT_EQ(accounting.at("15").state, "CANCELLED");
  EXPECT_EQ(accounting.at("15").reason, "by 0");
  EXPECT_EQ(accounting.at("16").state, "TIMEOUT");
  EXPECT_EQ(parse_job_id("17;cluster\n").value_or(""), "17");
  EXPECT_FALSE(parse_job_id("sbatch: error: Batch job submission failed"));
  for (const char* s :
       {"COMPLETED", "CANCELLED", "FAILED", "TIMEOUT", "NODE_FAIL", "OUT_OF_MEMORY"})
    EXPECT_TRUE(is_final_state(s)) << s;
  for (const char* s : {"PENDING", "RUNNING", "COMPLETING", "CONFIGURING", "SUSPENDED"})
    EXPECT_FALSE(is_final_state(s)) << s;
}

TEST(SlurmCommands, SbatchGetsThePartitionTimeLimitCoresAndTheUsersArgumentsLast) {
  SlurmOptions o;
  o.partition = "gpu";
  o.time_limit = "1:00:00";
  o.cpus_per_trial = 4;
  o.sbatch_args = {"--mem=4G", "--account=abc"};
  const auto args =
      sbatch_arguments(o, "scidl-s-trial_0003", "/s/logs/trial_0003.log", "/s/job.sh");
  const std::vector<std::string> expected = {"sbatch",
                                             "--parsable",
                                             "--job-name=scidl-s-trial_0003",
                                             "--output=/s/logs/trial_0003.log",
                                             "--open-mode=append",
                                             "--ntasks=1",
                                             "--cpus-per-task=4",
                                             "--partition=gpu",
                                             "--time=1:00:00",
                                             "--mem=4G",
                                             "--account=abc",
                                             "/s/job.sh"};
  EXPECT_EQ(args, expected);
}

TEST(SlurmCommands, EachFinalStateIsRecordedAsSuch) {
  SlurmOptions o;
  o.time_limit = "10";
  const auto timeout = slurm_trial_exit({"5", "TIMEOUT", "None", 0}, 130, false, o);
  EXPECT_NE(timeout.failure.find("Slurm job 5 TIMEOUT"), std::string::npos) << timeout.failure;
  EXPECT_NE(timeout.failure.find("time limit (10)"), std::string::npos) << timeout.failure;
  EXPECT_EQ(timeout.status, 130);
  EXPECT_FALSE(timeout.on_request);
  const auto ours = slurm_trial_exit({"6", "CANCELLED", "None", 0}, 130, true, o);
  EXPECT_TRUE(ours.on_request);
  EXPECT_TRUE(ours.failure.empty());
  const auto theirs = slurm_trial_exit({"7", "CANCELLED", "None", 0}, -1, false, o);
  EXPECT_FALSE(theirs.on_request);
  EXPECT_NE(theirs.failure.find("not by the study"), std::string::npos) << theirs.failure;
  EXPECT_NE(theirs.status, 0);
  const auto node = slurm_trial_exit({"8", "NODE_FAIL", "None", 0}, -1, false, o);
  EXPECT_NE(node.failure.find("NODE_FAIL: its node failed"), std::string::npos);
  const auto memory = slurm_trial_exit({"9", "OUT_OF_MEMORY", "None", 0}, -1, false, o);
  EXPECT_NE(memory.failure.find("--mem="), std::string::npos);
  const auto done = slurm_trial_exit({"10", "COMPLETED", "None", 0}, 0, false, o);
  EXPECT_EQ(done.status, 0);
  EXPECT_TRUE(done.failure.empty());
  const auto failed = slurm_trial_exit({"11", "FAILED", "NonZeroExitCode", 1}, 1, false, o);
  EXPECT_EQ(failed.status, 1);
  EXPECT_EQ(failed.failure, "Slurm job 11 FAILED");
}

// A "scidl train" in bash: reports epoch 1 to its --report-dir, runs `then` (more shell), waits
// to be signalled and exits 130 as train does after its checkpoint.
fs::path fake_trial(const TempDir& dir, const std::string& then = "") {
  const auto trial = dir.path / "fake_scidl";
  write_text(trial,
             "#!/bin/bash\nfor ((i = 1; i <= $#; i++)); do [[ ${!i} == --report-dir ]] && "
             "j=$((i + 1)) && d=${!j}; done\ntrap 'exit 130' TERM\n"
             "echo '{\"epoch\": 1, \"logs\": {\"val_loss\": 0.5}}' >> \"$d/reports.jsonl\"\n" +
                 then + "\nwhile :; do sleep 0.1; done\n");
  fs::permissions(trial, fs::perms::owner_all);
  return trial;
}

std::vector<TrialEvent> next_events(SlurmExecutor& executor) {
  std::vector<TrialEvent> events;
  for (int i = 0; i < 200 && events.empty(); ++i)
    events = executor.poll(std::chrono::milliseconds(50));
  return events;
}

TEST(SlurmExecutor, InterruptIsAnScancelAfterWhichTheJobEndsOnRequest) {
  TempDir dir("slurm_interrupt");
  const auto bin = fake_slurm(dir);
  const PathFirst path(bin);
  SlurmOptions o;
  o.poll_s = 0.1;
  SlurmExecutor executor(o, dir.path / "study" / "jobs");
  executor.start(0, TrialLaunch{fake_trial(dir), dir.path / "c.toml", dir.path / "run", dir.path,
                                dir.path / "t.log", false, "trial_0000"});
  auto events = next_events(executor);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].kind, TrialEvent::Kind::report);
  EXPECT_EQ(events[0].epoch, 1);
  EXPECT_DOUBLE_EQ(events[0].logs["val_loss"].get<double>(), 0.5);
  executor.answer(0, 1, Decision{});
  EXPECT_NE(
      read_text(dir.path / "study" / "jobs" / "trial_0000" / "answer.json").find("\"epoch\":1"),
      std::string::npos);
  executor.interrupt(0);
  events = next_events(executor);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].kind, TrialEvent::Kind::ended);
  EXPECT_TRUE(events[0].exit.on_request);
  EXPECT_EQ(events[0].exit.status, 130);
  EXPECT_EQ(read_text(bin / "state" / "scancel_calls"), "1\n");
}

TEST(SlurmExecutor, AStopTheTrialDoesNotHonourIsAnScancel) {
  TempDir dir("slurm_backstop");
  const auto bin = fake_slurm(dir);
  const PathFirst path(bin);
  SlurmOptions o;
  o.poll_s = 0.1;
  SlurmExecutor executor(o, dir.path / "study" / "jobs");
  // It reads no answer: once the first is there it reports epoch 2 all the same.
  const auto trial =
      fake_trial(dir,
                 "while [ ! -f \"$d/answer.json\" ]; do sleep 0.05; done\n"
                 "echo '{\"epoch\": 2, \"logs\": {\"val_loss\": 0.4}}' >> \"$d/reports.jsonl\"");
  executor.start(0, TrialLaunch{trial, dir.path / "c.toml", dir.path / "run", dir.path,
                                dir.path / "t.log", false, "trial_0000"});
  auto events = next_events(executor);
  ASSERT_EQ(events.size(), 1u);
  executor.answer(0, 1, Decision{true, "asha rung 1"});
  EXPECT_NE(
      read_text(dir.path / "study" / "jobs" / "trial_0000" / "answer.json").find("\"stop\":true"),
      std::string::npos);
  events = next_events(executor);  // epoch 2 is not passed on: the study stopped it at 1
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].kind, TrialEvent::Kind::ended);
  EXPECT_TRUE(events[0].exit.on_request);
  EXPECT_EQ(read_text(bin / "state" / "scancel_calls"), "1\n");
}

TEST(SlurmExecutor, ASubmissionSbatchRefusesEndsTheStudyWithSbatchsWords) {
  TempDir dir("slurm_refused");
  const auto bin = fake_slurm(dir);
  const auto config =
      write_study(dir, "num_samples = 1\nexecutor = \"slurm\"\n[slurm]\ntime_limit = \"never\"\n");
  const auto r =
      run_cli("tune " + config.string() + " --out " + (dir.path / "s").string(), path_with(bin));
  EXPECT_NE(r.status, 0);
  EXPECT_NE(r.output.find("sbatch refused the job of scidl-s-trial_0000"), std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("Invalid time limit specification"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("--time=never"), std::string::npos) << r.output;
}

TEST(SlurmExecutor, AStudyRunsEachTrialAsAJobAndRecordsAFailedNodeAndATimeout) {
  TempDir dir("slurm_study");
  const auto bin = fake_slurm(dir);
  write_text(bin / "state" / "fail_2", "NODE_FAIL");  // trial 1's job
  write_text(bin / "state" / "fail_3", "TIMEOUT");    // trial 2's job
  const auto config =
      write_study(dir, std::string("num_samples = 5\nconcurrency = 1\nscheduler = \"asha\"\n") +
                           kSlurm + "[asha]\nmax_t = 4\ngrace_period = 1\nreduction_factor = 2\n");
  const auto study = dir.path / "study";
  const auto r = run_cli("tune " + config.string() + " --out " + study.string(), path_with(bin));
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("as Slurm jobs (sbatch) on partition debug"), std::string::npos)
      << r.output;
  const auto calls = read_text(bin / "state" / "sbatch_calls");
  EXPECT_NE(calls.find("--job-name=scidl-study-trial_0000 "), std::string::npos) << calls;
  EXPECT_NE(calls.find("--partition=debug --time=5 --mem=1G "), std::string::npos) << calls;
  EXPECT_NE(calls.find("/study/jobs/trial_0004/job.sh"), std::string::npos) << calls;
  const auto db = StudyDb::open(study / "study.db", false);
  const auto trials = db.trials();
  ASSERT_EQ(trials.size(), 5u);
  EXPECT_EQ(trials[1].state, TrialState::failed);
  EXPECT_NE(trials[1].error.find("Slurm job 2 NODE_FAIL: its node failed"), std::string::npos)
      << trials[1].error;
  EXPECT_EQ(trials[2].state, TrialState::failed);
  EXPECT_NE(trials[2].error.find("Slurm job 3 TIMEOUT"), std::string::npos) << trials[2].error;
  int ran = 0, stopped = 0;
  for (const auto& t : trials) {
    ran += t.state == TrialState::completed || t.state == TrialState::stopped;
    stopped += t.state == TrialState::stopped;
    if (t.state == TrialState::completed) {
      EXPECT_EQ(t.epochs, 4);
    }
  }
  EXPECT_EQ(ran, 3);
  EXPECT_GE(stopped, 1) << "ASHA (reduction factor 2) stops one of three at a rung";
  EXPECT_TRUE(fs::exists(study / "leaderboard.csv"));
  EXPECT_TRUE(fs::exists(study / "best_model.scidl"));
  EXPECT_EQ(read_text(study / "jobs" / "trial_0000" / "exit_status"), "0\n");
}

TEST(SlurmExecutor, NoSlurmIsOneErrorSayingHowToStartIt) {
  TempDir dir("slurm_missing");
  const auto bin = fake_slurm(dir);
  const auto config = write_study(dir, std::string("num_samples = 1\n") + kSlurm);
  write_text(bin / "state" / "down", "");
  const auto down =
      run_cli("tune " + config.string() + " --out " + (dir.path / "a").string(), path_with(bin));
  EXPECT_NE(down.status, 0);
  EXPECT_NE(down.output.find("Slurm is not running here"), std::string::npos) << down.output;
  EXPECT_NE(down.output.find("Unable to contact slurm controller"), std::string::npos);
  EXPECT_NE(down.output.find("scripts/slurm_start.sh"), std::string::npos) << down.output;
  EXPECT_FALSE(fs::exists(dir.path / "a" / "trials" / "trial_0000.toml"));
  // No Slurm commands at all: the first one looked for is named.
  const auto absent = run_cli("tune " + config.string() + " --out " + (dir.path / "b").string(),
                              "PATH=" + (dir.path / "nothing").string());
  EXPECT_NE(absent.status, 0);
  EXPECT_NE(absent.output.find("Slurm's sbatch is not on PATH"), std::string::npos)
      << absent.output;
  EXPECT_NE(absent.output.find("scripts/setup.sh --slurm"), std::string::npos);
}

TEST(SlurmExecutor, ItsOptionsAreCheckedWithTheTuneConfig) {
  TempDir dir("slurm_options");
  const auto partition = write_study(dir, "executor = \"slurm\"\n[slurm]\npartitoin = \"x\"\n");
  auto r = run_cli("tune " + partition.string());
  EXPECT_NE(r.status, 0);
  EXPECT_NE(r.output.find("partition"), std::string::npos) << r.output;
  const auto local = write_study(dir, "[slurm]\npartition = \"x\"\n");
  r = run_cli("tune " + local.string());
  EXPECT_NE(r.output.find("executor = \"slurm\""), std::string::npos) << r.output;
  const auto args = write_study(dir, "executor = \"slurm\"\n[slurm]\nsbatch_args = [\"mem=1G\"]\n");
  r = run_cli("tune " + args.string());
  EXPECT_NE(r.output.find("each starting with '-'"), std::string::npos) << r.output;
}
