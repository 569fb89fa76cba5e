// An LSTM from a config through the command line: CSV rows of flattened windows read as
// sequences [steps, features], a Normalization layer adapted on them, training, and predict on
// the same kind of rows.
#include <fmt/format.h>

#include <cmath>

#include "../test_util.h"
#include "scidl/data/csv.h"
#include "scidl/nn/model_io.h"
#include "scidl/nn/recurrent.h"

namespace scidl::testing {
namespace {

const std::filesystem::path kRepo = std::filesystem::path(SCIDL_TEST_DATA) / ".." / "..";

TEST(SequencesCli, AnLstmConfigTrainsAndPredictsFromWindowsInCsvRows) {
  TempDir dir("sequences_lstm");
  std::string x = "", y = "t,y\n";
  for (int i = 0; i < 10; ++i) x += fmt::format("{}t{},y{}", i ? "," : "", i, i);
  x += "\n";
  for (int s = 0; s < 120; ++s) {
    for (int i = 0; i < 10; ++i)
      x += fmt::format("{}{},{}", i ? "," : "", (s + i) * 0.1, std::sin((s + i) * 0.1));
    x += "\n";
    y += fmt::format("{},{}\n", (s + 10) * 0.1, std::sin((s + 10) * 0.1));
  }
  write_text(dir.path / "x.csv", x);
  write_text(dir.path / "y.csv", y);
  const auto run = dir.path / "run";
  auto train = run_cli(fmt::format(
      "train {} --set data.x={} --set data.y={} --set training.epochs=3 --set output.dir={}",
      (kRepo / "examples/sequences/sine_lstm.toml").string(), (dir.path / "x.csv").string(),
      (dir.path / "y.csv").string(), run.string()));
  ASSERT_EQ(train.status, 0) << train.output;
  EXPECT_NE(train.output.find("examples of shape [10, 2]"), std::string::npos) << train.output;
  EXPECT_NE(train.output.find("LSTM(2 -> 32)"), std::string::npos) << train.output;
  auto loaded = io::load_model(run / "best.scidl");
  EXPECT_TRUE(loaded.model->state_dict().count("1.weight_hh_l0"));  // PyTorch's names
  auto predict = run_cli(fmt::format("predict --model {} --input {} --output {}",
                                     (run / "best.scidl").string(), (dir.path / "x.csv").string(),
                                     (dir.path / "p.csv").string()));
  ASSERT_EQ(predict.status, 0) << predict.output;
  auto p = data::read_csv(dir.path / "p.csv");
  EXPECT_EQ(p.rows, 120);
  EXPECT_EQ(p.cols, 2);
}

}  // namespace
}  // namespace scidl::testing
