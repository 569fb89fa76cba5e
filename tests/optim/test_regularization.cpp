// Weight penalties (Keras semantics) and gradient clipping (torch.nn.utils semantics), checked
// against values worked out by hand.
#include <gtest/gtest.h>

#include "scidl/nn/model_spec.h"
#include "scidl/ops/elementwise.h"
#include "scidl/ops/reduction.h"
#include "scidl/optim/regularization.h"
#include "scidl/optim/sgd.h"

namespace scidl::testing {
namespace {

Tensor values(std::vector<double> v) {
  const auto n = static_cast<int64_t>(v.size());
  return from_vector(v, {n}, DType::Float64);
}

void expect_values(const Tensor& t, const std::vector<double>& expected, double tol = 1e-15) {
  auto v = t.to_vector<double>();
  ASSERT_EQ(v.size(), expected.size());
  for (size_t i = 0; i < v.size(); ++i) EXPECT_NEAR(v[i], expected[i], tol) << "element " << i;
}

TEST(Penalty, ValueIsL1TimesSumOfAbsPlusL2TimesSumOfSquares) {
  // |1| + |-2| + |0| + |3| = 6; 1 + 4 + 0 + 9 = 14.
  EXPECT_NEAR(optim::penalty_value(values({1, -2, 0, 3}), {0.1, 0.01}), 0.6 + 0.14, 1e-15);
  EXPECT_EQ(optim::penalty_value(values({1, -2}), {}), 0.0);
}

TEST(Penalty, GradientIsL1SignPlusTwiceL2Weight) {
  Tensor g = values({1, 1, 1, 1});
  optim::add_penalty_gradient(values({1, -2, 0, 3}), g, {0.1, 0.01});
  expect_values(g, {1 + 0.1 + 0.02, 1 - 0.1 - 0.04, 1, 1 + 0.1 + 0.06});
}

TEST(Penalty, GradientEqualsAutogradOfThePenaltyTerm) {
  Tensor w = values({0.5, -1.5, 2.0});
  w.requires_grad_();
  (0.3 * sum(abs(w)) + 0.2 * sum(square(w))).backward();
  Tensor g = zeros({3}, DType::Float64);
  optim::add_penalty_gradient(w.detach(), g, {0.3, 0.2});
  expect_values(g, w.grad().to_vector<double>());
}

TEST(Regularization, KernelRegularizerPenalisesOnlyThatLayersWeight) {
  auto spec = nlohmann::json::parse(R"({"inputs": 2, "dtype": "float64", "layers": [
      {"type": "dense", "units": 3, "activation": "tanh"},
      {"type": "dense", "units": 2, "repeat": 2, "kernel_regularizer": {"l2": 0.5}}]})");
  auto model = nn::build_sequential(spec, 1);
  auto reg = optim::regularization_from_spec(spec, *model);
  optim::SGD sgd(model->parameters());  // flat gradients, zero
  reg.add_gradients();
  const auto params = model->named_parameters();
  double expected_value = 0;
  for (const auto& [name, p] : params) {
    const bool penalised = name == "2.weight" || name == "3.weight";
    auto w = p.to_vector<double>();
    auto g = p.grad().to_vector<double>();
    for (size_t i = 0; i < w.size(); ++i) {
      EXPECT_EQ(g[i], penalised ? 2 * 0.5 * w[i] : 0.0) << name;
      if (penalised) expected_value += 0.5 * w[i] * w[i];
    }
  }
  EXPECT_NEAR(reg.value(), expected_value, 1e-14);
}

TEST(Regularization, GlobalPenaltyCoversEveryParameterInOnePass) {
  Tensor a = values({1, -1}), b = values({2});
  a.requires_grad_();
  b.requires_grad_();
  optim::SGD sgd({a, b});
  optim::Regularization reg;
  reg.set_global(sgd, {0.0, 0.25});
  reg.add(b, {1.0, 0.0});  // a per-layer penalty adds to the global one
  EXPECT_NEAR(reg.value(), 0.25 * (1 + 1 + 4) + 2.0, 1e-15);
  reg.add_gradients();
  expect_values(a.grad(), {0.5, -0.5});
  expect_values(b.grad(), {1.0 + 1.0});
}

TEST(Regularization, ApplyingBeforeBackwardSaysToCallItAfter) {
  Tensor w = values({1});
  w.requires_grad_();
  optim::Regularization reg;
  reg.add(w, {0.1, 0});
  try {
    reg.add_gradients();
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("after backward()"), std::string::npos) << e.what();
  }
}

TEST(Regularization, BadRegularizerInSpecNamesTheLayerAndKey) {
  auto spec = nlohmann::json::parse(R"({"inputs": 2, "layers": [
      {"type": "dense", "units": 3, "kernel_regularizer": {"l3": 0.5}}]})");
  try {
    nn::build_sequential(spec, 1);
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("model.layers[0].kernel_regularizer: unknown key 'l3'"),
              std::string::npos)
        << e.what();
  }
}

TEST(ClipGradNorm, ScalesToMaxNormAndReturnsTheNormBefore) {
  Tensor g = values({3, 4, 0});  // norm 5
  EXPECT_DOUBLE_EQ(optim::clip_grad_norm(g, 1.0), 5.0);
  const double c = 1.0 / (5.0 + 1e-6);  // PyTorch's clip coefficient
  expect_values(g, {3 * c, 4 * c, 0});
}

TEST(ClipGradNorm, LeavesSmallGradientsAlone) {
  Tensor g = values({3, 4});
  EXPECT_DOUBLE_EQ(optim::clip_grad_norm(g, 10.0), 5.0);
  expect_values(g, {3, 4}, 0);
}

TEST(ClipGradNorm, WorksOnFloat32AndLongBuffers) {
  Tensor g = full({100000}, 0.01, DType::Float32);  // norm = 0.01 * sqrt(1e5) = 3.1623
  const double norm = optim::clip_grad_norm(g, 1.0);
  EXPECT_NEAR(norm, 0.01 * std::sqrt(1e5), 1e-6);
  EXPECT_NEAR(g.to_vector<double>()[12345], 0.01 / norm, 1e-8);
}

TEST(ClipGradValue, ClampsEachEntry) {
  Tensor g = values({-3, 0.5, 2, -0.25});
  optim::clip_grad_value(g, 1.0);
  expect_values(g, {-1, 0.5, 1, -0.25}, 0);
}

TEST(Clipping, NonPositiveLimitsAreRefusedByName) {
  Tensor g = values({1});
  EXPECT_THROW(optim::clip_grad_norm(g, 0.0), std::invalid_argument);
  try {
    optim::clip_grad_value(g, -1.0);
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("'clip_value' must be a positive"), std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace scidl::testing
