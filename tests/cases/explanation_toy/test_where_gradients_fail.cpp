// Case 1, "where gradients fail": F(x) = 1 - ReLU(1 - (10 x1 + x2)) in its flat region has zero
// gradient everywhere, yet integrated gradients from baseline 0 split the output 10 x1 : x2 and
// add up to F(x) - F(0) = 1. Checked through the library and end to end through `scidl explain`.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "scidl/cases/explanation_toy/saturated_relu_toy.h"
#include "scidl/data/csv.h"
#include "scidl/explain/explain.h"

namespace {

using namespace scidl;
using namespace scidl::explain;

const std::vector<double> kFlatPoints{1.0, 1.0, 0.5, 2.0, 0.2, 0.3};  // 10 x1 + x2 = 11, 7, 2.3

TEST(WhereGradientsFail, SaliencyIsZeroInTheFlatRegion) {
  auto model = saturated_relu_model();
  Tensor x = from_vector(kFlatPoints, {3, 2});
  for (double g : saliency(*model, x).to_vector<double>()) EXPECT_EQ(g, 0.0);
  for (double f : target_outputs(*model, x, {}).to_vector<double>()) EXPECT_EQ(f, 1.0);
}

TEST(WhereGradientsFail, IntegratedGradientsSplitTenToOneAndAddUp) {
  auto model = saturated_relu_model();
  Tensor x = from_vector(kFlatPoints, {3, 2});
  IntegratedGradientsOptions o;
  o.n_steps = 2000;
  o.rule = IntegrationRule::RiemannMiddle;
  auto result = integrated_gradients(*model, x, {}, o);
  auto a = result.attributions.to_vector<double>();
  auto delta = result.convergence_delta.to_vector<double>();
  for (int i = 0; i < 3; ++i) {
    const double x1 = kFlatPoints[2 * i], x2 = kFlatPoints[2 * i + 1], s = 10 * x1 + x2;
    // Both inputs see the same path weights, so the split is exactly 10 x1 : x2.
    EXPECT_NEAR(a[2 * i] / a[2 * i + 1], 10 * x1 / x2, 1e-9);
    // F(x) - F(0) = 1 - 0; the kink at alpha = 1/s costs at most s / n_steps of quadrature.
    EXPECT_NEAR(a[2 * i] + a[2 * i + 1], 1.0, s / o.n_steps);
    EXPECT_NEAR(delta[i], a[2 * i] + a[2 * i + 1] - 1.0, 1e-12);
  }
  // x = (1, 1): 10/11 and 1/11.
  EXPECT_NEAR(a[0], 10.0 / 11.0, 1e-2);
  EXPECT_NEAR(a[1], 1.0 / 11.0, 1e-3);
}

// Runs the scidl CLI; returns its exit status and puts stdout+stderr into `output`.
int run_cli(const std::string& args, std::string& output, const std::filesystem::path& log) {
  const std::string command = std::string(SCIDL_CLI) + " " + args + " > " + log.string() + " 2>&1";
  const int status = std::system(command.c_str());
  std::ifstream in(log);
  std::stringstream ss;
  ss << in.rdbuf();
  output = ss.str();
  return status;
}

TEST(WhereGradientsFail, ScidlExplainEndToEnd) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("scidl_test_where_gradients_fail_" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::string out;
  ASSERT_EQ(run_cli("explain-toy --out " + dir.string(), out, dir.string() + ".log"), 0) << out;
  const std::string model = (dir / "saturated_relu.scidl").string();
  const std::string points = (dir / "points.csv").string();

  ASSERT_EQ(
      run_cli("explain --model " + model + " --data " + points +
                  " --method ig --steps 2000 --rule riemann_middle --out " + (dir / "ig").string(),
              out, dir / "ig.log"),
      0)
      << out;
  auto ig = data::read_csv(dir / "ig" / "attributions.csv");
  ASSERT_EQ(ig.rows, 4);
  EXPECT_EQ(ig.column_names, (std::vector<std::string>{"x1", "x2"}));
  EXPECT_NEAR(ig.at(0, 0) / ig.at(0, 1), 10.0, 1e-9);
  EXPECT_NEAR(ig.at(0, 0) + ig.at(0, 1), 1.0, 1e-2);
  std::ifstream json_file(dir / "ig" / "attributions.json");
  auto j = nlohmann::json::parse(json_file);
  EXPECT_EQ(j.at("convergence_delta").size(), 4u);
  EXPECT_EQ(j.at("ranking").at(0).at("feature"), "x1");
  EXPECT_TRUE(std::filesystem::exists(dir / "ig" / "ranking.svg"));
  EXPECT_TRUE(std::filesystem::exists(dir / "ig" / "ranking.csv"));
  EXPECT_NE(out.find("max |convergence delta|"), std::string::npos) << out;

  ASSERT_EQ(run_cli("explain --model " + model + " --data " + points + " --method saliency --out " +
                        (dir / "saliency").string(),
                    out, dir / "saliency.log"),
            0)
      << out;
  auto sal = data::read_csv(dir / "saliency" / "attributions.csv");
  for (int r = 0; r < 3; ++r) {  // the flat points
    EXPECT_EQ(sal.at(r, 0), 0.0);
    EXPECT_EQ(sal.at(r, 1), 0.0);
  }
  EXPECT_EQ(sal.at(3, 0), 10.0);  // the point on the slope sees the weights
  EXPECT_EQ(sal.at(3, 1), 1.0);

  for (const char* method : {"ixg", "smoothgrad --nt-samples 3 --stdev 0.1 --seed 2"}) {
    ASSERT_EQ(run_cli("explain --model " + model + " --data " + points + " --method " + method +
                          " --out " + (dir / "other").string(),
                      out, dir / "other.log"),
              0)
        << method << ": " << out;
    EXPECT_EQ(data::read_csv(dir / "other" / "attributions.csv").rows, 4) << method;
  }

  // Bad input through the command: a clear message and a failing exit status.
  EXPECT_NE(run_cli("explain --model " + model + " --data " + points + " --target -1 --out " +
                        (dir / "bad").string(),
                    out, dir / "bad.log"),
            0);
  EXPECT_NE(out.find("--target: Value -1 not in range"), std::string::npos) << out;
  EXPECT_NE(run_cli("explain --model " + model + " --data " + points + " --target 1 --out " +
                        (dir / "bad").string(),
                    out, dir / "bad.log"),
            0);
  EXPECT_NE(out.find("target index 1 is out of range"), std::string::npos) << out;
  EXPECT_NE(run_cli("explain --model " + model + " --data " + points +
                        " --rule riemann_left --steps 1 --out " + (dir / "bad").string(),
                    out, dir / "bad.log"),
            0);
  EXPECT_NE(out.find("needs at least 2 steps"), std::string::npos) << out;
  std::filesystem::remove_all(dir);
}

}  // namespace
