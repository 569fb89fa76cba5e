// A run folder keeps the validation split its run used (validation_split.json): the rows of a
// split by row, the groups of a split by group, no file without a split. The recorded rows are
// the ones the run validated on: the saved model's loss on them is the run's validation loss.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <cmath>
#include <fstream>

#include "../test_util.h"
#include "scidl/autograd/grad_mode.h"
#include "scidl/io/config_reader.h"
#include "scidl/nn/model_io.h"
#include "scidl/train/run.h"
#include "scidl/train/validation_split.h"

namespace scidl::train {
namespace {

namespace fs = std::filesystem;
using scidl::testing::TempDir;

void write_text(const fs::path& p, const std::string& text) { std::ofstream(p) << text; }

// 40 rows, x = y = the row's number / 40, in 8 groups (ids 100..107) of 5 consecutive rows; one
// epoch of a one-unit model, trained into DIR/run with `split` as the data section's split.
RunResult train_numbered_rows(const fs::path& dir, const std::string& split) {
  std::string x = "i\n", g = "group\n";
  for (int i = 0; i < 40; ++i) {
    x += fmt::format("{}\n", i / 40.0);
    g += fmt::format("{}\n", 100 + i / 5);
  }
  write_text(dir / "x.csv", x);
  write_text(dir / "groups.csv", g);
  const std::string config = fmt::format(R"(seed = 7
[data]
x = "{0}/x.csv"
y = "{0}/x.csv"
groups = "{0}/groups.csv"
{1}
[model]
inputs = 1
layers = [ {{ type = "dense", units = 1 }} ]
[optimizer]
type = "sgd"
lr = 0.1
[training]
epochs = 1
batch_size = 8
loss = "mse"
[output]
dir = "{0}/run"
plots = false
)",
                                         dir.string(), split);
  auto doc = io::parse_config_string(config, "numbered rows");
  return run_training(parse_run_config(doc, {}), false);
}

// The mean squared error of DIR/run/last.scidl on these rows (x = y = row / 40).
double loss_on_rows(const fs::path& dir, const std::vector<std::int64_t>& rows) {
  auto model = io::load_model(dir / "run/last.scidl").model;
  NoGradGuard no_grad;
  double sum = 0;
  for (std::int64_t r : rows) {
    const double x = r / 40.0;
    const double p =
        (*model)(from_vector(std::vector<float>{static_cast<float>(x)}, {1, 1})).item();
    sum += (p - x) * (p - x);
  }
  return sum / rows.size();
}

TEST(ValidationSplit, ARunSplitByRowRecordsTheRowsItValidatedOn) {
  TempDir dir("validation_split_row");
  const RunResult r = train_numbered_rows(dir.path, "validation_split = 0.25");
  const auto s = read_validation_split(dir.path / "run");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->split, "row");
  EXPECT_EQ(s->fraction, 0.25);
  EXPECT_EQ(s->seed, 7u);
  EXPECT_TRUE(s->groups.empty());
  ASSERT_EQ(s->rows.size(), 10u);
  EXPECT_TRUE(std::is_sorted(s->rows.begin(), s->rows.end()));
  EXPECT_NEAR(loss_on_rows(dir.path, s->rows), r.final_validation.at("loss"), 1e-6);
}

TEST(ValidationSplit, ARunSplitByGroupRecordsTheGroupsItHeldOut) {
  TempDir dir("validation_split_group");
  const RunResult r = train_numbered_rows(dir.path, "validation_split = 0.25\nsplit = \"group\"");
  const auto s = read_validation_split(dir.path / "run");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->split, "group");
  EXPECT_TRUE(s->rows.empty());
  ASSERT_EQ(s->groups.size(), 2u);  // 25% of 8 groups
  std::vector<std::int64_t> rows;   // every row of those groups
  for (std::int64_t g : s->groups) {
    ASSERT_GE(g, 100);
    ASSERT_LE(g, 107);
    for (std::int64_t i = 0; i < 5; ++i) rows.push_back((g - 100) * 5 + i);
  }
  EXPECT_NEAR(loss_on_rows(dir.path, rows), r.final_validation.at("loss"), 1e-6);
}

TEST(ValidationSplit, ARunWithoutASplitRecordsNoneAndAnOverwriteRemovesAnOldOne) {
  TempDir dir("validation_split_none");
  train_numbered_rows(dir.path, "validation_split = 0.25");
  ASSERT_TRUE(fs::exists(dir.path / "run" / kValidationSplitFile));
  auto config = io::parse_config_string(fmt::format(R"([data]
x = "{0}/x.csv"
y = "{0}/x.csv"
validation_split = 0
[model]
inputs = 1
layers = [ {{ type = "dense", units = 1 }} ]
[optimizer]
type = "sgd"
lr = 0.1
[training]
epochs = 1
batch_size = 8
loss = "mse"
[output]
dir = "{0}/run"
plots = false
)",
                                                    dir.path.string()),
                                        "no split");
  RunOptions overwrite;
  overwrite.verbose = false;
  overwrite.overwrite = true;
  run_training(parse_run_config(config, {}), overwrite);
  EXPECT_FALSE(fs::exists(dir.path / "run" / kValidationSplitFile));
  EXPECT_FALSE(read_validation_split(dir.path / "run"));
}

TEST(ValidationSplit, AnUnreadableFileIsNamedWithWhatToDo) {
  TempDir dir("validation_split_bad");
  write_text(dir.path / kValidationSplitFile, R"({"split": "row", "fraction": 0.1})");
  try {
    read_validation_split(dir.path);
    ADD_FAILURE() << "a file without seed was accepted";
  } catch (const std::runtime_error& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find(kValidationSplitFile), std::string::npos) << m;
    EXPECT_NE(m.find("delete it"), std::string::npos) << m;
  }
}

}  // namespace
}  // namespace scidl::train
