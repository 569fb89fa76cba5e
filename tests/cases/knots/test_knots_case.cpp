// The knot-signature case (Davies et al. 2021) end to end on 1,500 census knots
// (data/knots/knots_small.csv.gz): scidl knots prepare splits and standardises them,
// the example config trains the paper's classifier for a few epochs, scidl explain ranks the
// invariants by gradient, the three-translation config retrains, and scidl knots report scores
// the slope rule (checked here against an independent count) beside the models. A knot table
// with a missing column is refused naming the column and the file.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <complex>
#include <fstream>

#include "../../test_util.h"
#include "scidl/cases/knots/knots.h"
#include "scidl/data/csv.h"

namespace {

using namespace scidl;
using scidl::testing::run_cli;
using scidl::testing::TempDir;
namespace fs = std::filesystem;

const fs::path kExample = fs::path(SCIDL_TEST_DATA) / "../../examples/knots";

TEST(KnotSlopeRule, RoundsHalfTheSlopeToAnEvenInteger) {
  EXPECT_EQ(sci::slope_rule_signature(0.9), 0);
  EXPECT_EQ(sci::slope_rule_signature(2.1), 2);    // slope / 2 = 1.05 -> the even 2
  EXPECT_EQ(sci::slope_rule_signature(-5.8), -2);  // -2.9: nearer -2 than -4
  EXPECT_EQ(sci::slope_rule_signature(-6.2), -4);  // -3.1: nearer -4 than -2
  // Re(lambda / mu) for lambda = 10, mu = 1 + i: 10 (1 - i) / 2 -> 5.
  EXPECT_DOUBLE_EQ(sci::knot_slope(10.0, 1.0, 1.0), 5.0);
}

TEST(KnotsCase, PrepareTrainExplainRetrainAndScoreTheSlopeRule) {
  TempDir dir("knots_case");
  const fs::path data = dir.path / "data";
  auto r = run_cli("knots prepare --data " +
                   (fs::path(SCIDL_TEST_DATA) / "../../data/knots/knots_small.csv.gz").string() +
                   " --out " + data.string() + " --smallest-signature -14 --classes 15");
  ASSERT_EQ(r.status, 0) << r.output;
  auto train_x = data::read_csv(data / "train_X.csv");
  auto test_y = data::read_csv(data / "test_Y.csv");
  EXPECT_EQ(train_x.rows, 1312);
  EXPECT_EQ(test_y.rows, 188);
  EXPECT_EQ(train_x.column_names, sci::knot_invariant_names());
  // Standardised: each training column has mean 0 (the symmetry one-hots too).
  for (int64_t j = 0; j < train_x.cols; ++j) {
    double mean = 0;
    for (int64_t i = 0; i < train_x.rows; ++i) mean += train_x.at(i, j) / double(train_x.rows);
    EXPECT_NEAR(mean, 0.0, 1e-6) << train_x.column_names[j];
  }

  // The slope rule, counted independently on the test knots' raw invariants.
  auto raw = data::read_csv(data / "test_invariants.csv");
  auto col = [&](const std::string& name) {
    return std::find(raw.column_names.begin(), raw.column_names.end(), name) -
           raw.column_names.begin();
  };
  int64_t right = 0;
  for (int64_t i = 0; i < raw.rows; ++i) {
    const std::complex<double> mu(raw.at(i, col("meridinal_translation_real")),
                                  raw.at(i, col("meridinal_translation_imag")));
    const double half_slope = (raw.at(i, col("longitudinal_translation")) / mu).real() / 2;
    const double even = 2 * std::round(half_slope / 2);
    right += even == raw.at(i, col("signature"));
  }
  const std::string expected = fmt::format("accuracy {:.2f}%", 100.0 * right / raw.rows);
  EXPECT_GT(right, raw.rows * 6 / 10);  // the paper: > 70% on the whole census

  // The paper's classifier, a few epochs.
  const std::string set_data = " --set data.x=" + (data / "train_X.csv").string() +
                               " --set data.y=" + (data / "train_Y.csv").string();
  r = run_cli("train " + (kExample / "davies2021.toml").string() + set_data +
              " --set training.epochs=4 -q --out " + (dir.path / "full").string());
  ASSERT_EQ(r.status, 0) << r.output;
  r = run_cli("explain --model " + (dir.path / "full/best.scidl").string() + " --data " +
              (data / "train_X.csv").string() + " --method saliency --ranking gradient --targets " +
              (data / "train_Y.csv").string() + " --out " + (dir.path / "salience").string());
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_TRUE(fs::exists(dir.path / "salience/ranking.csv"));
  EXPECT_NE(r.output.find("longitudinal_translation"), std::string::npos) << r.output;

  r = run_cli("train " + (kExample / "davies2021_top3.toml").string() + set_data +
              " --set training.epochs=4 -q --out " + (dir.path / "top3").string());
  ASSERT_EQ(r.status, 0) << r.output;
  r = run_cli("knots report --data " + data.string() + " --model " +
              (dir.path / "top3/best.scidl").string() +
              " --features longitudinal_translation,meridinal_translation_real,"
              "meridinal_translation_imag");
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find(expected), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("test accuracy"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("(188 knots)"), std::string::npos) << r.output;
}

TEST(KnotsCase, ATableWithoutAnInvariantIsRefusedNamingTheColumnAndFile) {
  TempDir dir("knots_missing");
  const fs::path bad = dir.path / "knots.csv";
  std::vector<std::string> names = sci::knot_invariant_names();
  names.erase(std::find(names.begin(), names.end(), "volume"));
  names.push_back("signature");
  std::vector<double> values(2 * names.size(), 0.0);
  data::write_csv(bad, names, 2, static_cast<int64_t>(names.size()), values.data());
  auto r =
      run_cli("knots prepare --data " + bad.string() + " --out " + (dir.path / "out").string());
  EXPECT_NE(r.status, 0);
  EXPECT_NE(r.output.find("'volume'"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find(bad.string()), std::string::npos) << r.output;
}

}  // namespace
