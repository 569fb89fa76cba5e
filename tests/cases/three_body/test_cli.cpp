// `scidl three-body` as a user meets it: useful help, one clear error for bad input, a dataset.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <string>

namespace {

struct Result {
  int exit_code;
  std::string output;  // stdout and stderr together
};

Result run_cli(const std::string& arguments) {
  const std::string command = std::string(SCIDL_CLI) + " " + arguments + " 2>&1";
  std::FILE* pipe = ::popen(command.c_str(), "r");
  Result result{-1, ""};
  char buffer[4096];
  for (std::size_t n; (n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0;) {
    result.output.append(buffer, n);
  }
  const int status = ::pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

TEST(ThreeBodyCommand, HelpDescribesTheSubcommandsAndOptions) {
  const Result help = run_cli("three-body --help");
  EXPECT_EQ(help.exit_code, 0);
  for (const char* word : {"generate", "assemble", "integrate", "Breen"}) {
    EXPECT_NE(help.output.find(word), std::string::npos) << word;
  }
  const Result generate_help = run_cli("three-body generate --help");
  for (const char* word : {"--runs", "--t-max", "--seed", "--threads", "--max-bits", "Resumable"}) {
    EXPECT_NE(generate_help.output.find(word), std::string::npos) << word;
  }
}

TEST(ThreeBodyCommand, RejectsAnInitialPositionOutsideTheRegionInOneLine) {
  // Each coordinate is in its range (checked while parsing), but |x2| exceeds 1.
  const Result r = run_cli("three-body integrate --x2=-0.4 --y2 0.95");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.output.rfind("scidl: error: x2 = (-0.4, 0.95) is outside the Breen et al. region", 0),
            0u)
      << r.output;
  const Result parse = run_cli("three-body integrate --x2 0.3 --y2 0.5");
  EXPECT_EQ(parse.exit_code, 2);
  EXPECT_NE(parse.output.find("--x2"), std::string::npos) << parse.output;
}

TEST(ThreeBodyCommand, GeneratesAndAssemblesASmallDataset) {
  const std::filesystem::path dir = std::filesystem::temp_directory_path() /
                                    ("scidl_cli_three_body_" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  const Result r = run_cli(
      "three-body generate --runs 3 --t-max 0.1 --seed 5 --no-progress --out " + dir.string());
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("wrote 81 rows (3 runs x 27 times)"), std::string::npos) << r.output;
  EXPECT_TRUE(std::filesystem::exists(dir / "train_V.csv"));
  const Result beyond = run_cli("three-body assemble --t-max 7.8 --out " + dir.string());
  EXPECT_EQ(beyond.exit_code, 1);
  EXPECT_NE(beyond.output.find("beyond the generated window"), std::string::npos);
  std::filesystem::remove_all(dir);
}

}  // namespace
