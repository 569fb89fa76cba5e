// Every optimizer against PyTorch: 20 full-batch steps on the fixture MLP in float64, parameters
// compared after steps 1, 5 and 20 (tests/data/reference/optimizers_float64.json).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>

#include "mlp_problem.h"

namespace scidl::testing {
namespace {

class OptimizerTrajectory : public ::testing::TestWithParam<std::string> {};

TEST_P(OptimizerTrajectory, MatchesPyTorchToTenDigits) {
  const auto& f = optimizer_fixture();
  const auto& c = f["cases"][GetParam()];
  ASSERT_FALSE(c["args"].value("maximize", false));
  ASSERT_FALSE(c["args"].value("amsgrad", false));
  MlpProblem problem;
  auto optimizer = optim::make_optimizer(spec_for_case(c), problem.model->parameters());
  double worst = 0;
  for (int step = 1; step <= f["steps"].get<int>(); ++step) {
    problem.step(*optimizer);
    const std::string key = std::to_string(step);
    if (!c["params_after_step"].contains(key)) continue;
    auto expected = c["params_after_step"][key].get<std::vector<double>>();
    auto actual = problem.flat_parameters();
    ASSERT_EQ(actual.size(), expected.size());
    for (size_t i = 0; i < actual.size(); ++i) {
      const double scale = std::max(std::abs(expected[i]), 1e-3);
      const double relative = std::abs(actual[i] - expected[i]) / scale;
      worst = std::max(worst, relative);
      ASSERT_LE(relative, 1e-10) << GetParam() << " step " << step << " parameter " << i << ": "
                                 << actual[i] << " vs PyTorch " << expected[i];
    }
  }
  std::printf("[ optimizer ] %-26s max relative error %.2e\n", GetParam().c_str(), worst);
}

std::vector<std::string> case_names() {
  std::vector<std::string> names;
  for (const auto& [name, c] : optimizer_fixture()["cases"].items()) names.push_back(name);
  return names;
}

INSTANTIATE_TEST_SUITE_P(PyTorchCases, OptimizerTrajectory, ::testing::ValuesIn(case_names()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace scidl::testing
