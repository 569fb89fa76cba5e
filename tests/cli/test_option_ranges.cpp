// Numeric options out of range are refused at once, naming the option, before any work: a batch
// of 0 once sent `predict` into a loop until memory ran out and hung `evaluate` (issue 23). Each
// case must fail within a second; the files it names need not exist, since the range check runs
// first. (The walk over every option of every subcommand belongs to issue 23.)
#include <fmt/format.h>

#include <chrono>

#include "../test_util.h"

namespace scidl::testing {
namespace {

void expect_refused_quickly(const std::string& command, const std::string& option) {
  const auto start = std::chrono::steady_clock::now();
  const auto r = run_cli(command);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_NE(r.status, 0) << command << "\n" << r.output;
  EXPECT_NE(r.output.find(option), std::string::npos) << command << "\n" << r.output;
  EXPECT_LT(seconds, 1.0) << command;
}

TEST(OptionRanges, BatchSizesAndCountsOutOfRangeAreRefusedAtOnce) {
  TempDir dir("option_ranges");
  const std::string model = (dir.path / "m.scidl").string(), csv = (dir.path / "x.csv").string();
  write_text(dir.path / "m.scidl", "");
  write_text(dir.path / "x.csv", "a\n1\n");
  for (const char* value : {"0", "-1", "99999999999"}) {
    expect_refused_quickly(fmt::format("predict --model {} --input {} --output {} --batch-size={}",
                                       model, csv, (dir.path / "p.csv").string(), value),
                           "--batch-size");
    expect_refused_quickly(
        fmt::format("evaluate --model {} --data fashion_mnist --batch-size={}", model, value),
        "--batch-size");
  }
  expect_refused_quickly(
      fmt::format("evaluate --model {} --data fashion_mnist --gallery=-1", model), "--gallery");
  expect_refused_quickly(fmt::format("molecules prepare --smiles {} --limit=-1 --out {}", csv,
                                     (dir.path / "M").string()),
                         "--limit");
  expect_refused_quickly(
      fmt::format("graphs generate --graphs 0 --out {}", (dir.path / "G").string()), "graphs");
  expect_refused_quickly(fmt::format("ode generate --dt=-1 --out {}", csv), "--dt");
  expect_refused_quickly("ode lyapunov --problem lorenz --time 0", "duration");
  expect_refused_quickly("ode lyapunov --problem lorenz --d0 1", "separation");
}

}  // namespace
}  // namespace scidl::testing
