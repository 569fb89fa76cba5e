// Sliding windows over trajectories (data/windows.h) and `window = k` in a config: k points in,
// the next out, never across two trajectories; a split by group holds out whole trajectories;
// too-short data and interleaved trajectories are refused with the sizes named.
#include <fmt/format.h>

#include "../test_util.h"
#include "scidl/data/windows.h"

namespace scidl::testing {
namespace {

TEST(Windows, KPointsInTheNextOutWithinEachTrajectory) {
  // two trajectories: rows 0-3 (id 7) and 4-8 (id 9); features (row, 10 * row)
  std::vector<double> v;
  for (int r = 0; r < 9; ++r) v.insert(v.end(), {double(r), 10.0 * r});
  Tensor series = from_vector(v, {9, 2}, DType::Float64);
  Tensor groups = from_vector(std::vector<int64_t>{7, 7, 7, 7, 9, 9, 9, 9, 9}, {9});
  auto d = data::make_windows(series, groups, 3);
  ASSERT_EQ(d.x.shape(), (Shape{3, 3, 2}));  // one window in id 7, two in id 9
  EXPECT_EQ(d.groups.to_vector<int64_t>(), (std::vector<int64_t>{7, 9, 9}));
  EXPECT_EQ(d.y.to_vector<double>(), (std::vector<double>{3, 30, 7, 70, 8, 80}));
  auto x = d.x.to_vector<double>();
  EXPECT_EQ(std::vector<double>(x.begin() + 6, x.begin() + 12),
            (std::vector<double>{4, 40, 5, 50, 6, 60}));  // window 2 starts the second run
}

TEST(Windows, DifferenceTargetsAreTheStepFromTheLastPoint) {
  std::vector<double> v;
  for (int r = 0; r < 6; ++r) v.insert(v.end(), {double(r * r), 1.0});
  Tensor series = from_vector(v, {6, 2}, DType::Float64);
  auto d = data::make_windows(series, Tensor(), 2, /*difference=*/true);
  ASSERT_EQ(d.y.shape(), (Shape{4, 2}));
  // rows 0,1 -> row 2: 4 - 1 = 3; then 9 - 4, 16 - 9, 25 - 16; the constant column steps by 0
  EXPECT_EQ(d.y.to_vector<double>(), (std::vector<double>{3, 0, 5, 0, 7, 0, 9, 0}));
}

TEST(Windows, AWindowTargetWithoutAWindowIsRefused) {
  TempDir dir("windows_target_alone");
  write_text(dir.path / "c.toml",
             "[data]\nx = \"x.csv\"\ny = \"y.csv\"\nwindow_target = \"difference\"\n[model]\n"
             "inputs = 1\nlayers = [{ type = \"dense\", units = 1 }]\n");
  auto r = run_cli("train " + (dir.path / "c.toml").string());
  EXPECT_NE(r.status, 0);
  EXPECT_NE(r.output.find("window_target"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("needs window = k"), std::string::npos) << r.output;
}

TEST(Windows, ShortOrInterleavedTrajectoriesAreRefused) {
  Tensor series = zeros({4, 1}, DType::Float64);
  try {
    data::make_windows(series, Tensor(), 4);
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("more than 4 rows"), std::string::npos) << e.what();
  }
  try {
    data::make_windows(series, from_vector(std::vector<int64_t>{1, 2, 1, 2}, {4}), 1);
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("trajectory 1 are not consecutive"), std::string::npos)
        << e.what();
  }
}

TEST(Windows, NanInASeriesIsNamedByFileRowAndColumn) {
  TempDir dir("windows_nan");
  write_text(dir.path / "s.csv", "trajectory,a,b\n0,1,2\n0,2,nan\n0,3,4\n");
  write_text(dir.path / "c.toml",
             "[data]\nx = \"s.csv\"\nx_columns = [\"a\", \"b\"]\ngroup_column = "
             "\"trajectory\"\nwindow = 1\n[model]\ninputs = [1, 2]\nlayers = [{ type = "
             "\"lstm\", units = 2 }, { type = \"dense\", units = 2 }]\n[output]\ndir = \"run\"\n");
  auto r = run_cli("train " + (dir.path / "c.toml").string());
  EXPECT_NE(r.status, 0);
  EXPECT_NE(r.output.find("s.csv': data row 2 (line 3) holds nan in column 'b'"), std::string::npos)
      << r.output;
  EXPECT_FALSE(std::filesystem::exists(dir.path / "run"));
}

TEST(Windows, AConfigTrainsAGruOnWindowsSplitByTrajectory) {
  TempDir dir("windows_config");
  std::string x = "pos,vel\n", g = "run\n";
  for (int run = 0; run < 6; ++run)
    for (int t = 0; t < 30; ++t) {
      x += fmt::format("{},{}\n", std::cos(0.2 * t + run), -std::sin(0.2 * t + run));
      g += fmt::format("{}\n", run);
    }
  write_text(dir.path / "series.csv", x);
  write_text(dir.path / "runs.csv", g);
  write_text(dir.path / "gru.toml", R"(seed = 2
[data]
x = "series.csv"
groups = "runs.csv"
window = 5
validation_split = 0.34
split = "group"
[model]
inputs = [5, 2]
layers = [ { type = "gru", units = 8 }, { type = "dense", units = 2 } ]
[training]
epochs = 2
batch_size = 16
)");
  auto r = run_cli(fmt::format("train {} --set output.dir={}", (dir.path / "gru.toml").string(),
                               (dir.path / "run").string()));
  ASSERT_EQ(r.status, 0) << r.output;
  // 6 runs x 25 windows; 2 runs (50 windows) validate
  EXPECT_NE(r.output.find("150 rows (100 training, 50 validation, split by group)"),
            std::string::npos)
      << r.output;
  write_text(dir.path / "bad.toml", R"(seed = 2
[data]
x = "series.csv"
y = "series.csv"
window = 5
[model]
inputs = [5, 2]
layers = [ { type = "gru", units = 8 } ]
)");
  auto bad = run_cli("train " + (dir.path / "bad.toml").string());
  EXPECT_NE(bad.status, 0);
  EXPECT_NE(bad.output.find("not used with window"), std::string::npos) << bad.output;
}

}  // namespace
}  // namespace scidl::testing
