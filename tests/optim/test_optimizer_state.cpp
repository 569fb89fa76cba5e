// Optimizer state survives a save and a load: 5 steps, state() saved, a fresh model and
// optimizer loaded from it and run on, must equal an uninterrupted run bit for bit.
#include <gtest/gtest.h>

#include "mlp_problem.h"

namespace scidl::testing {
namespace {

class OptimizerResume : public ::testing::TestWithParam<std::string> {};

TEST_P(OptimizerResume, ResumedRunEqualsUninterruptedRunBitForBit) {
  const auto& c = optimizer_fixture()["cases"][GetParam()];
  const auto spec = spec_for_case(c);

  MlpProblem straight;
  auto uninterrupted = optim::make_optimizer(spec, straight.model->parameters());
  for (int i = 0; i < 20; ++i) straight.step(*uninterrupted);

  MlpProblem first;
  auto before = optim::make_optimizer(spec, first.model->parameters());
  for (int i = 0; i < 5; ++i) first.step(*before);
  std::map<std::string, Tensor> weights;
  for (const auto& [name, t] : first.model->state_dict()) weights[name] = t.clone();
  const auto saved = before->state();
  first.step(*before);  // the saved state must be a snapshot, untouched by later steps

  MlpProblem resumed;
  resumed.model->load_state_dict(weights);
  auto after = optim::make_optimizer(spec, resumed.model->parameters());
  after->load_state(saved);
  EXPECT_EQ(after->steps(), 5);
  for (int i = 5; i < 20; ++i) resumed.step(*after);

  const auto a = straight.flat_parameters(), b = resumed.flat_parameters();
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) ASSERT_EQ(a[i], b[i]) << GetParam() << " parameter " << i;
}

std::vector<std::string> case_names() {
  std::vector<std::string> names;
  for (const auto& [name, c] : optimizer_fixture()["cases"].items()) names.push_back(name);
  return names;
}

INSTANTIATE_TEST_SUITE_P(PyTorchCases, OptimizerResume, ::testing::ValuesIn(case_names()),
                         [](const auto& info) { return info.param; });

TEST(OptimizerState, LoadingAnotherOptimizersStateSaysWhichBufferIsForeign) {
  MlpProblem a, b;
  optim::OptimizerSpec adam = optim::default_optimizer_spec("adam");
  optim::OptimizerSpec sgd = optim::default_optimizer_spec("sgd");
  sgd.momentum = 0.9;
  auto from = optim::make_optimizer(adam, a.model->parameters());
  auto to = optim::make_optimizer(sgd, b.model->parameters());
  try {
    to->load_state(from->state());
    FAIL() << "expected an error";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("exp_avg"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("momentum"), std::string::npos) << e.what();
  }
}

TEST(OptimizerState, LoadingStateOfAnotherSizeSaysBothSizes) {
  MlpProblem a;
  auto opt = optim::make_optimizer(optim::default_optimizer_spec("rmsprop"), a.model->parameters());
  auto state = opt->state();
  state["square_avg"] = zeros({7}, DType::Float64);
  try {
    opt->load_state(state);
    FAIL() << "expected an error";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("has 7 values but the model has 419"), std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace scidl::testing
