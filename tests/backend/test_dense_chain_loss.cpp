// The fused training pass of a dense chain and its loss (dense_chain_loss, train::
// forward_and_loss): forward, loss and backward one group of rows at a time. Its loss, its
// prediction and every gradient must be those of the composed ops (dense_chain, then l1_loss or
// mse_loss, then backward()), on shapes that exercise the kernels' edges; its backward must
// honour the seed and accumulate like any node; and whatever it does not take must fall back
// to the composed ops rather than fail.
#include <gtest/gtest.h>
#include <omp.h>

#include <cmath>

#include "../test_util.h"
#include "scidl/autograd/node.h"
#include "scidl/backend/cpu/dense_kernels.h"
#include "scidl/data/synthetic.h"
#include "scidl/nn/activation.h"
#include "scidl/nn/linear.h"
#include "scidl/nn/sequential.h"
#include "scidl/optim/adam.h"
#include "scidl/train/step_forward.h"
#include "scidl/train/trainer.h"

namespace scidl::testing {
namespace {

namespace dense = backend::cpu::dense;

struct LossCase {
  const char* name;
  int64_t rows;
  std::vector<int64_t> widths;  // input width, then each layer's output
  FusedLoss loss;
  bool biases, input_grad;
  Activation hidden = Activation::Relu;
};

struct Outcome {
  Tensor loss, prediction, gx;
  std::vector<Tensor> gw, gb;
};

class DenseChainLossTest : public ::testing::TestWithParam<LossCase> {
 protected:
  void SetUp() override {
    const LossCase& c = GetParam();
    Generator gen(11);
    x0 = uniform({c.rows, c.widths[0]}, -1, 1, DType::Float32, gen);
    for (size_t l = 0; l + 1 < c.widths.size(); ++l) {
      const double bound = 1.5 / std::sqrt(double(c.widths[l]));
      w0.push_back(uniform({c.widths[l + 1], c.widths[l]}, -bound, bound, DType::Float32, gen));
      b0.push_back(c.biases ? uniform({c.widths[l + 1]}, -0.5, 0.5, DType::Float32, gen)
                            : Tensor());
      acts.push_back(l + 2 < c.widths.size() ? c.hidden : Activation::None);
    }
    target = uniform({c.rows, c.widths.back()}, -1, 1, DType::Float32, gen);
  }

  // One step: fused (dense_chain_loss) or composed; layer 1's weight frozen (no dW wanted).
  Outcome run(bool fused, double seed = 1.0) {
    const LossCase& c = GetParam();
    Tensor x = x0.detach().requires_grad_(c.input_grad);
    std::vector<Tensor> w, b;
    for (size_t l = 0; l < w0.size(); ++l) {
      w.push_back(w0[l].detach().requires_grad_(l != 1));
      b.push_back(b0[l].defined() ? b0[l].detach().requires_grad_(true) : Tensor());
    }
    Outcome o;
    if (fused) {
      DenseChainLoss f = dense_chain_loss(x, w, b, acts, target, c.loss);
      EXPECT_TRUE(f.loss.defined()) << "the case should fuse";
      if (!f.loss.defined()) return o;
      EXPECT_EQ(std::string(f.loss.grad_fn()->name()), "dense_chain_loss");
      o.loss = f.loss;
      o.prediction = f.prediction;
    } else {
      o.prediction = dense_chain(x, w, b, acts);
      o.loss =
          c.loss == FusedLoss::L1 ? l1_loss(o.prediction, target) : mse_loss(o.prediction, target);
      o.prediction = o.prediction.detach();
    }
    o.loss.backward(seed == 1.0 ? Tensor() : scalar_tensor(seed));
    o.loss = o.loss.detach();
    o.gx = c.input_grad ? x.grad() : Tensor();
    for (size_t l = 0; l < w.size(); ++l) {
      o.gw.push_back(w[l].grad());
      o.gb.push_back(b[l].defined() ? b[l].grad() : Tensor());
    }
    return o;
  }

  // Gradients to 1e-4 of their scale: L1's are +-1/N per element, and their float32 sums over
  // 5000 rows cancel down to a few percent of the terms' total, so a different summation order
  // (one thread against two) moves them by ~4e-5 of the result. A kernel bug moves them by O(1).
  void expect_same(const Outcome& got, const Outcome& want, const std::string& what) {
    expect_close(got.loss, want.loss, what + ": loss", 1e-5);
    expect_close(got.prediction, want.prediction, what + ": prediction");
    expect_close(got.gx, want.gx, what + ": dx", 1e-4);
    for (size_t l = 0; l < w0.size(); ++l) {
      const std::string layer = what + ": layer " + std::to_string(l);
      expect_close(got.gw[l], want.gw[l], layer + " dW", 1e-4);
      expect_close(got.gb[l], want.gb[l], layer + " db", 1e-4);
    }
  }

  Tensor x0, target;
  std::vector<Tensor> w0, b0;
  std::vector<Activation> acts;
};

TEST_P(DenseChainLossTest, AgreesWithTheComposedChainLossAndBackward) {
  if (!dense::enabled()) GTEST_SKIP() << kernels_off("dense");
  const Outcome composed = run(false);
  expect_same(run(true), composed, GetParam().name);
  // From inside a parallel region (trials side by side) the pass gets a team of one.
  Outcome nested[2];
#pragma omp parallel num_threads(2)
  nested[omp_get_thread_num()] = run(true);
  for (const Outcome& o : nested)
    expect_same(o, composed, std::string(GetParam().name) + " (nested)");
}

INSTANTIATE_TEST_SUITE_P(
    Chains, DenseChainLossTest,
    ::testing::Values(
        // the three-body network's shape, both threads, rows past several groups
        LossCase{"three_body_l1_b5000", 5000, {3, 128, 128, 128, 4}, FusedLoss::L1, true, false},
        LossCase{"mse_b64_input_grad", 64, {3, 128, 128, 4}, FusedLoss::MSE, true, true},
        // tails everywhere: rows not a multiple of the tile or group, odd widths, no biases
        LossCase{"ragged_no_bias_mse", 389, {7, 70, 33, 130, 19}, FusedLoss::MSE, false, true},
        LossCase{"two_layers_few_rows_l1", 17, {5, 9, 2}, FusedLoss::L1, true, true},
        LossCase{"tanh_l1", 1000, {3, 128, 128, 4}, FusedLoss::L1, true, true, Activation::Tanh},
        // short batches, whose layers' units the threads split (dense_by_units.h)
        LossCase{"units_three_body_b60_l1", 60, {3, 128, 128, 128, 4}, FusedLoss::L1, true, false},
        LossCase{"units_ragged_no_bias_mse", 50, {7, 70, 33, 130, 19}, FusedLoss::MSE, false, true},
        LossCase{
            "units_tanh_b48", 48, {3, 64, 64, 4}, FusedLoss::L1, true, true, Activation::Tanh}),
    [](const auto& info) { return std::string(info.param.name); });

// Teams of other sizes, as on machines with more cores: with the units split, some threads get
// no 16-unit block of the 3-wide input or the 4-wide output and must still reach every
// barrier; with either split the step must not depend on the team's size.
using DenseChainLossTeams = DenseChainLossTest;
TEST_P(DenseChainLossTeams, EveryTeamSizeTakesTheSameStep) {
  if (!dense::enabled()) GTEST_SKIP() << kernels_off("dense");
  const Outcome composed = run(false);
  const int saved = omp_get_max_threads();
  for (int threads : {1, 3, 4}) {
    omp_set_num_threads(threads);
    expect_same(run(true), composed,
                std::string(GetParam().name) + ", " + std::to_string(threads) + " threads");
  }
  omp_set_num_threads(saved);
}
INSTANTIATE_TEST_SUITE_P(
    Teams, DenseChainLossTeams,
    ::testing::Values(LossCase{"units_b64", 64, {3, 300, 300, 4}, FusedLoss::L1, true, true},
                      LossCase{"rows_b200", 200, {3, 300, 300, 4}, FusedLoss::MSE, true, true}),
    [](const auto& info) { return std::string(info.param.name); });

using DenseChainLossSeed = DenseChainLossTest;
TEST_P(DenseChainLossSeed, BackwardScalesByTheSeedAndAccumulates) {
  if (!dense::enabled()) GTEST_SKIP() << kernels_off("dense");
  // backward(2.5) gives 2.5 times the gradients, as any node's would
  const Outcome composed = run(false, 2.5);
  expect_same(run(true, 2.5), composed, "seed 2.5");
  // two backward passes into the same leaves add up, as PyTorch's .grad does
  Tensor w = w0[0].detach().requires_grad_(true);
  std::vector<Tensor> ws{w};
  for (size_t l = 1; l < w0.size(); ++l) ws.push_back(w0[l]);
  dense_chain_loss(x0, ws, b0, acts, target, GetParam().loss).loss.backward();
  const Tensor once = w.grad().clone();
  dense_chain_loss(x0, ws, b0, acts, target, GetParam().loss).loss.backward();
  expect_close(w.grad(), mul(once, scalar_tensor(2.0)), "accumulated dW");
}
INSTANTIATE_TEST_SUITE_P(Seeds, DenseChainLossSeed,
                         ::testing::Values(LossCase{
                             "l1", 300, {3, 64, 64, 4}, FusedLoss::L1, true, true}),
                         [](const auto& info) { return std::string(info.param.name); });

nn::Sequential chain_model(int64_t in, int64_t hidden, int64_t out) {
  nn::Sequential model;
  model.push_back(std::make_shared<nn::Linear>(in, hidden));
  model.push_back(std::make_shared<nn::ReLU>());
  model.push_back(std::make_shared<nn::Linear>(hidden, hidden));
  model.push_back(std::make_shared<nn::ReLU>());
  model.push_back(std::make_shared<nn::Linear>(hidden, out));
  return model;
}

TEST(DenseChainLossFallback, WhatTheKernelsDoNotTakeRunsTheComposedOps) {
  manual_seed(3);
  nn::Sequential model = chain_model(3, 32, 4);
  Tensor x = uniform({64, 3}, -1, 1), y = uniform({64, 4}, -1, 1);
  const auto l1 = [](const Tensor& p, const Tensor& t) { return l1_loss(p, t); };
  auto node_of = [](const train::StepForward& s) { return std::string(s.loss.grad_fn()->name()); };
  if (dense::enabled()) {
    EXPECT_EQ(node_of(train::forward_and_loss(model, x, y, l1, FusedLoss::L1)), "dense_chain_loss");
  }
  // a loss the pass does not know
  EXPECT_NE(node_of(train::forward_and_loss(model, x, y, l1, std::nullopt)), "dense_chain_loss");
  // a target of another shape: the composed loss names both shapes
  try {
    train::forward_and_loss(model, x, uniform({64, 3}, -1, 1), l1, FusedLoss::L1);
    FAIL() << "expected an error";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("[64, 3]"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("[64, 4]"), std::string::npos) << e.what();
  }
  // no gradients recorded: nothing to fuse, the prediction and loss as usual
  {
    NoGradGuard no_grad;
    const auto s = train::forward_and_loss(model, x, y, l1, FusedLoss::L1);
    EXPECT_FALSE(s.loss.requires_grad());
    expect_close(s.loss, l1_loss(model(x), y), "no-grad loss");
  }
  // a model that is more than one chain (a Sigmoid after the last layer) takes the composed path
  nn::Sequential longer = chain_model(3, 32, 4);
  longer.push_back(std::make_shared<nn::Sigmoid>());
  EXPECT_NE(node_of(train::forward_and_loss(longer, x, y, l1, FusedLoss::L1)), "dense_chain_loss");
}

// The Trainer by loss name takes the fused pass; by loss function the composed ops. The two
// fits of the same model and data must tell the same story (float32 rounding apart).
// Tanh layers chain as ReLU ones do (the smooth surrogates' activation), so they train through
// the fused pass too.
TEST(DenseChainLossFallback, TanhChainsFuse) {
  if (!dense::enabled()) GTEST_SKIP() << kernels_off("dense");
  nn::Sequential model;
  model.push_back(std::make_shared<nn::Linear>(3, 32));
  model.push_back(std::make_shared<nn::Tanh>());
  model.push_back(std::make_shared<nn::Linear>(32, 4));
  Tensor x = uniform({64, 3}, -1, 1), y = uniform({64, 4}, -1, 1);
  EXPECT_EQ(std::string(model(x).grad_fn()->name()), "dense_chain");
  const auto s = train::forward_and_loss(model, x, y, mse_loss, FusedLoss::MSE);
  EXPECT_EQ(std::string(s.loss.grad_fn()->name()), "dense_chain_loss");
}

TEST(DenseChainLossTrainer, FitByLossNameMatchesFitByLossFunction) {
  auto fit = [](bool by_name) {
    manual_seed(7);
    const data::Dataset data = data::damped_oscillator_dataset(20, 40, 3);
    nn::Sequential model = chain_model(data.x.shape()[1], 64, data.y.shape()[1]);
    optim::Adam opt(model.parameters(), {.lr = 3e-3});
    auto trainer = by_name ? train::Trainer(model, opt, std::string("mae"), {"mse"})
                           : train::Trainer(model, opt, train::make_loss("mae"), {"mse"});
    train::FitOptions o;
    o.epochs = 4;
    o.batch_size = 100;
    o.verbose = false;
    return trainer.fit(data, nullptr, o);
  };
  const train::History fused = fit(true), composed = fit(false);
  ASSERT_EQ(fused.epochs.size(), composed.epochs.size());
  for (size_t e = 0; e < fused.epochs.size(); ++e)
    for (const char* key : {"loss", "mse"})
      EXPECT_NEAR(fused.epochs[e].at(key), composed.epochs[e].at(key),
                  1e-4 * std::abs(composed.epochs[e].at(key)))
          << key << " at epoch " << e + 1;
  EXPECT_LT(fused.epochs.back().at("loss"), fused.epochs.front().at("loss"));
}

}  // namespace
}  // namespace scidl::testing
