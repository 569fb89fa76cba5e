// The exit status is the same for every subcommand (README.md, `scidl --help`): 0 success, 1 an
// error in the input or a failed run, 2 a usage error, whatever kind CLI11 reports; and a
// mistyped subcommand or option is answered with the one likely meant.
#include <fmt/format.h>

#include "../test_util.h"

namespace scidl::testing {
namespace {

constexpr int kSuccess = 0, kInputError = 1, kUsageError = 2;

void expect_status(const std::string& command, int status, const std::string& says = "") {
  const CommandResult r = run_cli(command);
  EXPECT_EQ(r.status, status) << command << "\n" << r.output;
  if (!says.empty()) {
    EXPECT_NE(r.output.find(says), std::string::npos) << command << "\n" << r.output;
  }
}

TEST(ExitCodes, HelpNamesEveryExitStatus) {
  expect_status("--help", kSuccess, "Exit status: 0 success; 1 an error in the input");
  const CommandResult r = run_cli("--help");
  for (const char* part : {"2 a usage error", "130 interrupted"})
    EXPECT_NE(r.output.find(part), std::string::npos) << part;
}

TEST(ExitCodes, UsageErrorsOfEveryKindAreTwo) {
  TempDir dir("exit_codes");
  const std::string model = (dir.path / "m.scidl").string(), csv = (dir.path / "x.csv").string();
  write_text(dir.path / "m.scidl", "");
  write_text(dir.path / "x.csv", "a\n1\n");
  expect_status("", kUsageError);                 // no subcommand
  expect_status("train", kUsageError, "config");  // a required positional
  expect_status("train " + (dir.path / "none.toml").string(), kUsageError);  // no such file
  expect_status("predict --input " + csv, kUsageError, "--model");           // a required option
  expect_status(
      fmt::format("predict --model {} --input {} --output p.csv --batch-size=0", model, csv),
      kUsageError, "--batch-size");  // out of range
  expect_status("evaluate --model " + model + " --batch-size=abc", kUsageError, "--batch-size");
  expect_status("ode generate --out x.csv --no-such-option", kUsageError, "--no-such-option");
  expect_status("ode", kUsageError);  // a subcommand that needs its own subcommand
  expect_status("train --help-config dta", kUsageError, "did you mean 'data'?");
}

TEST(ExitCodes, InputErrorsAndFailedRunsAreOne) {
  TempDir dir("exit_codes_input");
  write_text(dir.path / "m.scidl", "not a model");
  write_text(dir.path / "x.csv", "a\n1\n");
  write_text(dir.path / "bad.toml", "[data]\nx = \"x.csv\"\ny = \"x.csv\"\n[trainign]\n");
  expect_status(
      fmt::format("predict --model {} --input {} --output {}", (dir.path / "m.scidl").string(),
                  (dir.path / "x.csv").string(), (dir.path / "p.csv").string()),
      kInputError, "scidl: error:");
  expect_status("train " + (dir.path / "bad.toml").string(), kInputError, "scidl: error:");
  expect_status("three-body integrate --x2=-0.4 --y2 0.95", kInputError, "outside");
}

TEST(ExitCodes, SuccessIsZero) {
  expect_status("--version", kSuccess, "scidl ");
  expect_status("train --help", kSuccess, "--help-config");
  expect_status("train --help-config training", kSuccess, "epochs = 10");
}

TEST(DidYouMean, AMistypedSubcommandIsAnsweredWithTheOneMeant) {
  expect_status("trian", kUsageError, "'trian' is not a subcommand; did you mean 'train'?");
  expect_status("ode genrate --out x.csv", kUsageError,
                "'genrate' is not a subcommand of 'ode'; did you mean 'generate'?");
  const CommandResult far = run_cli("zzzzzz");
  EXPECT_EQ(far.status, kUsageError);
  EXPECT_EQ(far.output.find("did you mean"), std::string::npos) << far.output;
}

TEST(DidYouMean, AMistypedOptionIsAnsweredWithTheOneMeant) {
  expect_status("predict --model m --input x --output p --bach-size 3", kUsageError,
                "'--bach-size' is not an option of 'predict'; did you mean '--batch-size'?");
}

}  // namespace
}  // namespace scidl::testing
