// The whole training step as one pass (train::fused_training_step): the optimizer updates each
// layer inside the dense chain's fused pass. It must leave exactly what the separate calls
// leave (zero_grad, the fused forward and loss, backward(), step()): the same parameters,
// gradients and optimizer state, bit for bit, for every optimizer, both ways the kernels split
// a batch and any team size; change nothing when the loss is not finite; and decline, touching
// nothing, whatever it cannot do alone. The trainer takes it when nothing runs between
// backward() and step().
#include <gtest/gtest.h>
#include <omp.h>

#include <cmath>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "../test_util.h"
#include "scidl/autograd/grad_mode.h"
#include "scidl/backend/cpu/dense_kernels.h"
#include "scidl/data/synthetic.h"
#include "scidl/nn/activation.h"
#include "scidl/nn/linear.h"
#include "scidl/nn/sequential.h"
#include "scidl/optim/factory.h"
#include "scidl/train/fused_step.h"
#include "scidl/train/step_forward.h"
#include "scidl/train/trainer.h"

namespace scidl::testing {
namespace {

namespace dense = backend::cpu::dense;

std::shared_ptr<nn::Sequential> chain(const std::vector<int64_t>& widths, bool tanh, bool bias,
                                      uint64_t seed) {
  manual_seed(seed);
  auto model = std::make_shared<nn::Sequential>();
  for (size_t l = 0; l + 1 < widths.size(); ++l) {
    model->push_back(
        std::make_shared<nn::Linear>(widths[l], widths[l + 1], nn::LinearOptions{.bias = bias}));
    if (l + 2 < widths.size()) {
      if (tanh)
        model->push_back(std::make_shared<nn::Tanh>());
      else
        model->push_back(std::make_shared<nn::ReLU>());
    }
  }
  return model;
}

optim::OptimizerSpec spec(const std::string& type) {
  optim::OptimizerSpec s = optim::default_optimizer_spec(type);
  s.lr = 1e-2;
  if (type == "sgd") s.momentum = 0.9, s.nesterov = true;
  if (type == "adamw") s.weight_decay = 0.05;
  if (type == "rmsprop") s.centered = true, s.momentum = 0.5, s.weight_decay = 1e-3;
  if (type == "adagrad") s.lr_decay = 0.01;
  return s;
}

void expect_identical(const Tensor& a, const Tensor& b, const std::string& what) {
  ASSERT_EQ(a.shape(), b.shape()) << what;
  const auto u = a.to_vector<float>(), v = b.to_vector<float>();
  for (size_t i = 0; i < u.size(); ++i) ASSERT_EQ(u[i], v[i]) << what << ", element " << i;
}

struct StepCase {
  const char* name;
  int64_t rows;
  std::vector<int64_t> widths;
  bool tanh, bias;
};

class FusedStepTest : public ::testing::TestWithParam<StepCase> {
 protected:
  // Three steps both ways from the same weights, for optimizer `type`: everything they leave
  // must be equal.
  void compare(const std::string& type) {
    if (!dense::enabled()) GTEST_SKIP() << kernels_off("dense");
    const StepCase& c = GetParam();
    Generator gen(5);
    const Tensor x = uniform({c.rows, c.widths.front()}, -1, 1, DType::Float32, gen);
    const Tensor y = uniform({c.rows, c.widths.back()}, -1, 1, DType::Float32, gen);
    auto fused_model = chain(c.widths, c.tanh, c.bias, 3);
    auto separate_model = chain(c.widths, c.tanh, c.bias, 3);
    auto fused = optim::make_optimizer(spec(type), fused_model->parameters());
    auto separate = optim::make_optimizer(spec(type), separate_model->parameters());
    for (int s = 0; s < 3; ++s) {
      const auto step = train::fused_training_step(*fused_model, *fused, x, y, FusedLoss::MSE);
      ASSERT_TRUE(step.has_value()) << "the case should fuse";
      EXPECT_TRUE(step->updated);
      separate->zero_grad();
      const auto forward = train::forward_and_loss(*separate_model, x, y, mse_loss, FusedLoss::MSE);
      forward.loss.backward();
      separate->step();
      EXPECT_EQ(step->loss, forward.loss.item()) << "step " << s;
      expect_identical(step->prediction, forward.prediction, "prediction");
    }
    EXPECT_EQ(fused->steps(), separate->steps());
    expect_identical(fused->flat_parameters(), separate->flat_parameters(), type + " parameters");
    expect_identical(fused->flat_gradients(), separate->flat_gradients(), type + " gradients");
    const auto a = fused->state(), b = separate->state();
    ASSERT_EQ(a.size(), b.size());
    for (const auto& [name, value] : a)
      if (value.dtype() == DType::Float32) expect_identical(value, b.at(name), type + " " + name);
  }
};

TEST_P(FusedStepTest, LeavesWhatTheSeparateCallsLeave) {
  for (const std::string type : {"adam", "adamw", "sgd", "adagrad", "adadelta", "rmsprop"}) {
    SCOPED_TRACE(type);
    compare(type);
  }
}

// Teams of other sizes: shares of units that are not halves (3 threads), and one thread.
TEST_P(FusedStepTest, AnyTeamSize) {
  const int saved = omp_get_max_threads();
  for (int threads : {1, 3}) {
    SCOPED_TRACE(std::to_string(threads) + " threads");
    omp_set_num_threads(threads);
    compare("adam");
  }
  omp_set_num_threads(saved);
}

INSTANTIATE_TEST_SUITE_P(
    Chains, FusedStepTest,
    ::testing::Values(
        // the three-body network's shape at batch 64: the threads split the units
        StepCase{"units_split", 64, {3, 128, 128, 128, 128, 128, 4}, false, true},
        StepCase{"units_split_tanh_no_bias", 48, {3, 128, 128, 128, 128, 128, 4}, true, false},
        // above 64 rows the threads split the rows and sum dW at the end
        StepCase{"rows_split", 200, {3, 128, 128, 128, 128, 128, 4}, false, true},
        // too little work for two threads (below 16 rows the kernels leave it to BLAS)
        StepCase{"one_thread", 20, {5, 24, 24, 3}, true, true}),
    [](const auto& info) { return std::string(info.param.name); });

struct Fixture {
  std::shared_ptr<nn::Sequential> model = chain({3, 32, 32, 2}, false, true, 7);
  Tensor x, y;
  Fixture() {
    Generator gen(2);
    x = uniform({16, 3}, -1, 1, DType::Float32, gen);
    y = uniform({16, 2}, -1, 1, DType::Float32, gen);
  }
};

TEST(FusedStep, ANonFiniteLossChangesNothingAndCountsNoStep) {
  if (!dense::enabled()) GTEST_SKIP() << kernels_off("dense");
  Fixture f;
  auto opt = optim::make_optimizer(spec("adam"), f.model->parameters());
  ASSERT_TRUE(train::fused_training_step(*f.model, *opt, f.x, f.y, FusedLoss::L1));
  const auto params = opt->flat_parameters().to_vector<float>();
  const auto moments = opt->state().at("exp_avg").to_vector<float>();
  Tensor bad = f.y.clone();
  bad.data<float>()[5] = std::numeric_limits<float>::quiet_NaN();
  const auto step = train::fused_training_step(*f.model, *opt, f.x, bad, FusedLoss::L1);
  ASSERT_TRUE(step.has_value());
  EXPECT_FALSE(step->updated);
  EXPECT_TRUE(std::isnan(step->loss));
  EXPECT_EQ(opt->steps(), 1);
  EXPECT_EQ(opt->flat_parameters().to_vector<float>(), params);
  EXPECT_EQ(opt->state().at("exp_avg").to_vector<float>(), moments);
}

// Each case must return nothing and leave the parameters and the step count as they were.
TEST(FusedStep, DeclinesWhatItCannotDoAloneTouchingNothing) {
  auto declines = [](nn::Module& model, optim::Optimizer& opt, const Tensor& x, const Tensor& y,
                     const std::string& why) {
    const auto before = opt.flat_parameters().to_vector<double>();
    EXPECT_FALSE(train::fused_training_step(model, opt, x, y, FusedLoss::MSE).has_value()) << why;
    EXPECT_EQ(opt.flat_parameters().to_vector<double>(), before) << why;
    EXPECT_EQ(opt.steps(), 0) << why;
  };
  {
    Fixture f;  // the optimizer lacks the last layer's parameters
    auto params = f.model->parameters();
    params.pop_back();
    params.pop_back();
    auto opt = optim::make_optimizer(spec("adam"), params);
    declines(*f.model, *opt, f.x, f.y, "a partial optimizer");
  }
  {
    Fixture f;  // the optimizer holds a parameter outside the chain
    auto params = f.model->parameters();
    Tensor extra = zeros({4}).requires_grad_(true);
    params.push_back(extra);
    auto opt = optim::make_optimizer(spec("adam"), params);
    declines(*f.model, *opt, f.x, f.y, "an extra parameter");
  }
  {
    Fixture f;  // a frozen layer: its weights must not move with the others' momentum
    f.model->parameters()[0].requires_grad_(false);
    auto opt = optim::make_optimizer(spec("adam"), f.model->parameters());
    declines(*f.model, *opt, f.x, f.y, "a frozen weight");
  }
  {
    Fixture f;  // the model ends in a sigmoid: not a chain the kernels take
    f.model->push_back(std::make_shared<nn::Sigmoid>());
    auto opt = optim::make_optimizer(spec("adam"), f.model->parameters());
    declines(*f.model, *opt, f.x, f.y, "a sigmoid");
  }
  {
    Fixture f;  // the input is not the first layer's width: the composed ops name the shapes
    auto opt = optim::make_optimizer(spec("adam"), f.model->parameters());
    declines(*f.model, *opt, zeros({16, 4}), f.y, "a wrong input width");
    declines(*f.model, *opt, f.x, zeros({16, 3}), "a wrong target width");
  }
  {
    Fixture f;  // no gradients being recorded
    auto opt = optim::make_optimizer(spec("adam"), f.model->parameters());
    NoGradGuard no_grad;
    declines(*f.model, *opt, f.x, f.y, "no-grad mode");
  }
}

// update() in parts equals step(), and a part outside the buffers is refused, naming it.
TEST(OptimizerParts, UpdatesInPartsEqualOneStep) {
  for (const std::string type : {"adam", "adamw", "sgd", "adagrad", "adadelta", "rmsprop"}) {
    SCOPED_TRACE(type);
    Fixture a, b;
    auto whole = optim::make_optimizer(spec(type), a.model->parameters());
    auto parts = optim::make_optimizer(spec(type), b.model->parameters());
    const int64_t n = whole->flat_parameters().numel();
    for (int s = 0; s < 2; ++s) {
      whole->zero_grad();
      mse_loss((*a.model)(a.x), a.y).backward();
      parts->zero_grad();
      mse_loss((*b.model)(a.x), a.y).backward();
      whole->step();
      parts->update({n / 3, n});
      parts->update({0, n / 3});
      parts->finish_step();
    }
    EXPECT_EQ(parts->steps(), 2);
    expect_identical(parts->flat_parameters(), whole->flat_parameters(), "parameters");
    try {
      parts->update({n - 2, n + 5});
      ADD_FAILURE() << "a part past the end was accepted";
    } catch (const std::out_of_range& e) {
      EXPECT_NE(std::string(e.what()).find("[" + std::to_string(n - 2)), std::string::npos)
          << e.what();
    }
  }
}

// The trainer fuses the step when nothing runs between backward() and step(): a run that
// fuses and one kept apart by a clipping that never clips end bit-identical.
TEST(FusedStep, TheTrainerTakesItAndTrainsAsBefore) {
  if (!dense::enabled()) GTEST_SKIP() << kernels_off("dense");
  auto fit = [](bool fusable) {
    auto d = data::damped_oscillator_dataset(20, 30, 5);
    auto model = chain({d.x.shape()[1], 64, 64, d.y.shape()[1]}, true, true, 4);
    auto opt = optim::make_optimizer(spec("adam"), model->parameters());
    train::Trainer trainer(*model, *opt, "mse", {"mae"});
    if (!fusable) trainer.set_gradient_clipping(0, 1e30);
    train::FitOptions o;
    o.epochs = 3;
    o.batch_size = 32;
    o.verbose = false;
    const auto history = trainer.fit(d, nullptr, o);
    return std::make_pair(opt->flat_parameters().to_vector<float>(),
                          history.epochs.back().at("mae"));
  };
  {
    Fixture f;  // a chain such as this one fuses
    auto opt = optim::make_optimizer(spec("adam"), f.model->parameters());
    ASSERT_TRUE(train::fused_training_step(*f.model, *opt, f.x, f.y, FusedLoss::MSE));
  }
  const auto fused = fit(true), separate = fit(false);
  EXPECT_EQ(fused.first, separate.first);
  EXPECT_EQ(fused.second, separate.second);
}

}  // namespace
}  // namespace scidl::testing
