// Dataset generation end to end on a short window: determinism across thread counts, resuming,
// repair of damaged run files, assembly and its errors.
#include <fmt/core.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "scidl/cases/three_body/dataset.h"
#include "scidl/cases/three_body/run_file.h"

namespace scidl::sci {
namespace {

namespace fs = std::filesystem;

std::string slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::size_t count_lines(const std::string& text) {
  return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

class ThreeBodyDataset : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ =
        fs::temp_directory_path() /
        fmt::format("scidl_three_body_{}_{}",
                    ::testing::UnitTest::GetInstance()->current_test_info()->name(), ::getpid());
    fs::remove_all(root_);
    log_ = std::tmpfile();
  }
  void TearDown() override {
    std::fclose(log_);
    fs::remove_all(root_);
  }
  GenerateSettings settings(const std::string& name, int threads) {
    GenerateSettings s;
    s.out_dir = root_ / name;
    s.runs = 4;
    s.seed = 11;
    s.t_max = 0.25;  // 65 rows, before close encounters: double precision suffices, fast
    s.threads = threads;
    s.show_progress = false;
    s.log = log_;
    return s;
  }
  std::string log_text() {
    std::fflush(log_);
    std::rewind(log_);
    std::string text;
    for (int c; (c = std::fgetc(log_)) != EOF;) text += static_cast<char>(c);
    return text;
  }
  AssembleSettings assemble_settings(const std::string& name) {
    AssembleSettings a;
    a.out_dir = root_ / name;
    a.log = log_;
    return a;
  }
  fs::path root_;
  std::FILE* log_ = nullptr;
};

TEST_F(ThreeBodyDataset, SameSeedGivesIdenticalFilesForOneOrTwoThreads) {
  const GenerateSummary one = generate_three_body_runs(settings("one", 1));
  const GenerateSummary two = generate_three_body_runs(settings("two", 2));
  EXPECT_EQ(one.computed, 4);
  EXPECT_EQ(two.computed, 4);
  assemble_three_body_dataset(assemble_settings("one"));
  assemble_three_body_dataset(assemble_settings("two"));
  for (const char* file : {"train_X.csv", "train_Y.csv", "train_V.csv", "run_id.csv"}) {
    EXPECT_EQ(slurp(root_ / "one" / file), slurp(root_ / "two" / file)) << file;
  }
  const std::string x = slurp(root_ / "one" / "train_X.csv");
  EXPECT_EQ(count_lines(x), 1u + 4 * 65);
  EXPECT_EQ(x.substr(0, x.find('\n')), "t,x2_0,y2_0");
  const std::string runs = slurp(root_ / "one" / "runs.csv");
  EXPECT_EQ(count_lines(runs), 1u + 4);
  EXPECT_NE(runs.find("run_id,x2,y2,converged,tolerance,bits,relative_energy_error"),
            std::string::npos);
}

TEST_F(ThreeBodyDataset, RerunSkipsFinishedRunsAndRecomputesDamagedOnes) {
  GenerateSettings s = settings("resume", 2);
  s.runs = 2;
  generate_three_body_runs(s);
  const std::string intact = slurp(run_file_path(s.out_dir, 1));
  // Damage run 1 (cut it short) and extend the dataset to 4 runs.
  {
    std::ofstream cut(run_file_path(s.out_dir, 1), std::ios::binary | std::ios::trunc);
    cut << intact.substr(0, intact.size() / 2);
  }
  s.runs = 4;
  const GenerateSummary again = generate_three_body_runs(s);
  EXPECT_EQ(again.reused, 1);
  EXPECT_EQ(again.corrupt_replaced, 1);
  EXPECT_EQ(again.computed, 3);
  EXPECT_NE(log_text().find("run_00001.csv is corrupt"), std::string::npos) << log_text();
  EXPECT_EQ(slurp(run_file_path(s.out_dir, 1)),
            intact.substr(0, intact.find("# wall_seconds")) +
                slurp(run_file_path(s.out_dir, 1)).substr(intact.find("# wall_seconds")))
      << "the recomputed run must carry the same data (only its timing may differ)";
  const GenerateSummary third = generate_three_body_runs(s);
  EXPECT_EQ(third.computed, 0);
  EXPECT_EQ(third.reused, 4);
}

TEST_F(ThreeBodyDataset, StricterAcceptDistanceRecomputesRunsAcceptedAboveIt) {
  GenerateSettings s = settings("stricter", 1);
  s.runs = 2;
  s.t_max = 1.0;  // to 0.25 the double rungs agree exactly; by 1.0 they differ a little
  s.convergence.accept_distance = 1e-2;
  generate_three_body_runs(s);
  double accepted_at = 0;
  for (int k = 0; k < 2; ++k) {
    accepted_at =
        std::max(accepted_at, read_run_file(run_file_path(s.out_dir, k)).phase_space_distance);
  }
  ASSERT_GT(accepted_at, 0);
  // Just below the largest accepted distance: that run (and only runs like it) is redone.
  s.convergence.accept_distance = accepted_at;
  const GenerateSummary again = generate_three_body_runs(s);
  EXPECT_GE(again.computed, 1);
  EXPECT_LE(again.computed, 2);
  EXPECT_NE(log_text().find("above this call's --accept-distance"), std::string::npos)
      << log_text();
  for (int k = 0; k < 2; ++k) {
    const ThreeBodyRun run = read_run_file(run_file_path(s.out_dir, k));
    EXPECT_TRUE(run.converged);
    EXPECT_LT(run.phase_space_distance, accepted_at);
  }
}

TEST_F(ThreeBodyDataset, RefusesToMixSeedsInOneDirectory) {
  generate_three_body_runs(settings("mixed", 1));
  GenerateSettings other = settings("mixed", 1);
  other.seed = 12;
  EXPECT_THROW(
      {
        try {
          generate_three_body_runs(other);
        } catch (const std::invalid_argument& e) {
          EXPECT_NE(std::string(e.what()).find("--seed 11"), std::string::npos) << e.what();
          throw;
        }
      },
      std::invalid_argument);
}

TEST_F(ThreeBodyDataset, AssembleRefusesAWindowBeyondTheGeneratedOneAndMissingRuns) {
  generate_three_body_runs(settings("window", 2));
  AssembleSettings a = assemble_settings("window");
  a.t_max = 3.9;
  try {
    assemble_three_body_dataset(a);
    FAIL() << "expected an error";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("beyond the generated window"), std::string::npos);
  }
  a.t_max = 0.125;
  const AssembleSummary shorter = assemble_three_body_dataset(a);
  EXPECT_EQ(shorter.rows_per_run, 33);
  fs::remove(run_file_path(root_ / "window", 2));
  try {
    assemble_three_body_dataset(a);
    FAIL() << "expected an error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("1 of 4 runs are missing"), std::string::npos);
  }
}

TEST_F(ThreeBodyDataset, RunsThatDoNotConvergeAreCountedAndLeftOutOfTheTables) {
  GenerateSettings s = settings("strict", 2);
  s.convergence.max_bits = 53;
  s.convergence.accept_distance = 1e-300;  // unreachable unless the two rungs coincide exactly
  s.t_max = 1.0;
  const GenerateSummary g = generate_three_body_runs(s);
  EXPECT_GT(g.not_converged, 0);
  const AssembleSummary a = assemble_three_body_dataset(assemble_settings("strict"));
  EXPECT_EQ(a.not_converged, g.not_converged);
  EXPECT_EQ(a.runs_written, 4 - g.not_converged);
  EXPECT_NE(log_text().find("did not converge"), std::string::npos);
}

}  // namespace
}  // namespace scidl::sci
