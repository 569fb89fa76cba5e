// BatchNorm1d/2d against PyTorch (tests/data/reference/batchnorm_float64.json): training
// output and gradients, running statistics after three batches, and the eval-mode output.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "scidl/autograd/grad_mode.h"
#include "scidl/nn/batchnorm.h"
#include "scidl/nn/model_spec.h"
#include "scidl/ops/elementwise.h"
#include "scidl/ops/random_ops.h"
#include "scidl/ops/reduction.h"

namespace scidl::testing {
namespace {

const nlohmann::json& fixture() {
  static const nlohmann::json j = [] {
    std::ifstream in(std::string(SCIDL_TEST_DATA) + "/reference/batchnorm_float64.json");
    return nlohmann::json::parse(in);
  }();
  return j;
}

Tensor tensor_of(const nlohmann::json& t) {
  return from_vector(t["data"].get<std::vector<double>>(), t["shape"].get<Shape>(), DType::Float64);
}

void expect_close(const Tensor& actual, const nlohmann::json& expected, const std::string& what) {
  auto a = actual.to_vector<double>();
  auto e = expected["data"].get<std::vector<double>>();
  ASSERT_EQ(actual.shape(), expected["shape"].get<Shape>()) << what;
  for (size_t i = 0; i < a.size(); ++i)
    ASSERT_NEAR(a[i], e[i], 1e-12 * (1 + std::abs(e[i]))) << what << " element " << i;
}

std::shared_ptr<nn::BatchNorm> module_for(const nlohmann::json& c) {
  nn::BatchNormOptions o;
  o.momentum = c["args"]["momentum"].get<double>();
  o.eps = c["args"]["eps"].get<double>();
  o.dtype = DType::Float64;
  const int64_t channels = c["args"]["num_features"].get<int64_t>();
  std::shared_ptr<nn::BatchNorm> m;
  if (c["module"] == "BatchNorm1d")
    m = std::make_shared<nn::BatchNorm1d>(channels, o);
  else
    m = std::make_shared<nn::BatchNorm2d>(channels, o);
  m->weight().copy_(tensor_of(c["weight"]));
  m->bias().copy_(tensor_of(c["bias"]));
  return m;
}

class BatchNormReference : public ::testing::TestWithParam<std::string> {};

TEST_P(BatchNormReference, TrainingOutputAndGradientsMatchPyTorch) {
  const auto& c = fixture()[GetParam()];
  auto m = module_for(c);
  Tensor x = tensor_of(c["input"]);
  x.requires_grad_();
  Tensor y = m->forward(x);
  expect_close(y, c["output"], "output");
  y.backward(tensor_of(c["grad_output"]));
  expect_close(x.grad(), c["input_grad"], "input gradient");
  expect_close(m->weight().grad(), c["weight_grad"], "weight gradient");
  expect_close(m->bias().grad(), c["bias_grad"], "bias gradient");
}

TEST_P(BatchNormReference, RunningStatisticsAndEvalOutputMatchPyTorch) {
  const auto& c = fixture()[GetParam()];
  auto m = module_for(c);
  {
    NoGradGuard no_grad;
    for (const auto& b : c["batches"]) m->forward(tensor_of(b));
  }
  expect_close(m->running_mean(), c["running_mean"], "running mean");
  expect_close(m->running_var(), c["running_var"], "running variance (unbiased)");
  EXPECT_EQ(m->num_batches_tracked(), c["num_batches_tracked"].get<int64_t>());
  m->eval();
  expect_close(m->forward(tensor_of(c["eval_input"])), c["eval_output"], "eval output");
  EXPECT_EQ(m->num_batches_tracked(), 3) << "eval mode must not count batches";
}

INSTANTIATE_TEST_SUITE_P(PyTorch, BatchNormReference,
                         ::testing::Values("batchnorm1d", "batchnorm2d"),
                         [](const auto& info) { return info.param; });

TEST(BatchNorm, OneDimensionalAcceptsSequencesAndNormalisesEachChannel) {
  nn::BatchNorm1d bn(2);
  Tensor x = uniform({4, 2, 5}, -3, 7, DType::Float32);
  Tensor y = bn(x);
  auto means = mean(y, {0, 2}).to_vector<double>();
  auto vars = mean(square(y), {0, 2}).to_vector<double>();
  for (int c = 0; c < 2; ++c) {
    EXPECT_NEAR(means[c], 0.0, 1e-5);
    EXPECT_NEAR(vars[c], 1.0, 1e-3);  // biased variance / (var + eps)
  }
}

TEST(BatchNorm, StateDictUsesPyTorchNames) {
  nn::BatchNorm2d bn(3);
  auto s = bn.state_dict();
  for (const char* k : {"weight", "bias", "running_mean", "running_var", "num_batches_tracked"})
    EXPECT_TRUE(s.count(k)) << k;
  EXPECT_EQ(s["num_batches_tracked"].dtype(), DType::Int64);
}

TEST(BatchNorm, WithoutRunningStatsEvalUsesTheBatch) {
  nn::BatchNormOptions o;
  o.track_running_stats = false;
  o.dtype = DType::Float64;
  nn::BatchNorm1d bn(1, o);
  bn.eval();
  auto y = bn(from_vector(std::vector<double>{1, 3}, {2, 1}, DType::Float64)).to_vector<double>();
  EXPECT_NEAR(y[0], -1 / std::sqrt(1 + 1e-5), 1e-12);
  EXPECT_TRUE(bn.named_buffers().empty());
}

TEST(BatchNorm, WrongChannelCountSaysWhatWasExpected) {
  nn::BatchNorm2d bn(3);
  try {
    bn(zeros({2, 4, 5, 5}));
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(
        std::string(e.what()).find("BatchNorm2d(3): expected an input of rank 4 with 3 channels"),
        std::string::npos)
        << e.what();
  }
}

TEST(BatchNorm, TrainingOnASingleValuePerChannelIsRefused) {
  nn::BatchNorm1d bn(3);
  EXPECT_THROW(bn(zeros({1, 3})), std::invalid_argument);
  bn.eval();
  EXPECT_NO_THROW(bn(zeros({1, 3})));
}

TEST(BatchNorm, ModelSpecBuildsBatchnormLayers) {
  auto spec = nlohmann::json::parse(R"({"inputs": 4, "dtype": "float64", "layers": [
      {"type": "dense", "units": 6},
      {"type": "batchnorm", "momentum": 0.2, "eps": 0.001},
      {"type": "relu"}, {"type": "dense", "units": 1}]})");
  auto model = nn::build_sequential(spec, 3);
  auto* bn = dynamic_cast<nn::BatchNorm*>(&model->at(1));
  ASSERT_NE(bn, nullptr);
  EXPECT_EQ(bn->num_features(), 6);
  EXPECT_EQ(bn->options().momentum, 0.2);
  EXPECT_EQ(bn->options().eps, 0.001);
  EXPECT_EQ(bn->running_mean().dtype(), DType::Float64);
  EXPECT_EQ((*model)(zeros({5, 4}, DType::Float64)).shape(), (Shape{5, 1}));
  auto bad =
      nlohmann::json::parse(R"({"inputs": 4, "layers": [{"type": "batchnorm", "decay": 0.9}]})");
  try {
    nn::build_sequential(bad, 3);
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find(
                  "model.layers[0]: unknown key 'decay'; valid keys are type, momentum, eps"),
              std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace scidl::testing
