// scidl automl's examples end to end with the best preset: the lecture's bike rentals on both of
// its splits (the time limit held, the ensemble better than the linear baseline on test), and
// scikit-learn's breast cancer table through tools/sklearn_table.py.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <fstream>
#include <regex>
#include <sstream>

#include "../test_util.h"

namespace {

namespace fs = std::filesystem;
const fs::path kRepo = fs::path(SCIDL_TEST_DATA) / ".." / "..";
using scidl::testing::run_cli;

std::string read_text(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// The value of `model,metric,VALUE` in test_metrics.csv.
double test_metric(const fs::path& run, const std::string& model, const std::string& metric) {
  std::smatch m;
  const std::string text = read_text(run / "test_metrics.csv");
  if (!std::regex_search(text, m, std::regex(model + "," + metric + ",([-0-9.e+]+)"))) return NAN;
  return std::stod(m[1]);
}

}  // namespace

TEST(AutomlExamples, BikeRentalsBestPresetKeepsItsTimeLimitOnBothSplits) {
  scidl::testing::TempDir dir("automl_bike_best");
  for (const char* fraction : {"0.7", "0.27"}) {
    const auto out = dir.path / fraction;
    const auto r = run_cli(fmt::format(
        "automl --data /usr/share/gretl/data/misc/bikesharing.gdt --target cnt --exclude casual "
        "--exclude registered --train-fraction {} --seed 1 --preset best --time-limit 20 --out {}",
        fraction, out.string()));
    ASSERT_EQ(r.status, 0) << r.output;
    std::smatch m;
    ASSERT_TRUE(std::regex_search(r.output, m, std::regex("fitted in ([0-9.]+) s")));
    EXPECT_LE(std::stod(m[1]), 22.0) << "the time limit is 20 s, 10% more is allowed";
    const double ensemble = test_metric(out, "WeightedEnsemble_L2", "rmse");
    EXPECT_LT(ensemble, 1000) << "cnt spans 22 to 8714; a mean predictor scores about 1900";
    EXPECT_LT(ensemble, test_metric(out, "LinearModel", "rmse"));
  }
}

TEST(AutomlExamples, BreastCancerTableIsClassifiedWellWithCalibratedProbabilities) {
  if (!fs::exists("/usr/lib/python3/dist-packages/sklearn/datasets/data/breast_cancer.csv"))
    GTEST_SKIP() << "python3-sklearn is not installed";
  scidl::testing::TempDir dir("automl_breast_cancer");
  const auto table = dir.path / "breast_cancer.csv";
  ASSERT_EQ(std::system(fmt::format("/usr/bin/python3 {} breast_cancer {}",
                                    (kRepo / "tools/sklearn_table.py").string(), table.string())
                            .c_str()),
            0);
  const auto out = dir.path / "run";
  const auto r = run_cli(
      fmt::format("automl --data {} --target diagnosis --train-fraction 0.7 --seed 1 --preset best "
                  "--time-limit 60 --out {}",
                  table.string(), out.string()));
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_GE(test_metric(out, "WeightedEnsemble_L2", "accuracy"), 0.93);
  EXPECT_LE(test_metric(out, "WeightedEnsemble_L2", "log_loss"), 0.2);
  EXPECT_TRUE(fs::exists(out / "plots/confusion.png"));
}
