// Learning-rate schedules, epoch by epoch, against torch.optim.lr_scheduler's rules.
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include "scidl/optim/lr_schedule.h"
#include "scidl/optim/sgd.h"

namespace scidl::testing {
namespace {

struct Fixture {
  Tensor w = [] {
    Tensor t = zeros({2}, DType::Float64);
    t.requires_grad_();
    return t;
  }();
  optim::SGD sgd{{w}, {0.1}};
};

TEST(StepLR, MultipliesByGammaEveryStepSizeEpochs) {
  Fixture f;
  optim::StepLR s(f.sgd, 3, 0.5);
  const std::vector<double> expected{0.1, 0.1, 0.05, 0.05, 0.05, 0.025, 0.025};
  for (int e = 1; e <= 7; ++e) {
    s.step(e, 0);
    EXPECT_DOUBLE_EQ(f.sgd.lr(), expected[e - 1]) << "after epoch " << e;
  }
}

TEST(ExponentialLR, MultipliesByGammaEachEpoch) {
  Fixture f;
  optim::ExponentialLR s(f.sgd, 0.9);
  s.step(1, 0);
  EXPECT_DOUBLE_EQ(f.sgd.lr(), 0.09);
  s.step(3, 0);
  EXPECT_NEAR(f.sgd.lr(), 0.1 * 0.729, 1e-16);
}

TEST(CosineAnnealingLR, FollowsHalfACosineFromBaseToEtaMin) {
  Fixture f;
  optim::CosineAnnealingLR s(f.sgd, 10, 0.02);
  s.step(0, 0);
  EXPECT_DOUBLE_EQ(f.sgd.lr(), 0.1);
  s.step(5, 0);
  EXPECT_NEAR(f.sgd.lr(), 0.06, 1e-16);
  s.step(10, 0);
  EXPECT_NEAR(f.sgd.lr(), 0.02, 1e-16);
  s.step(2, 0);
  EXPECT_NEAR(f.sgd.lr(), 0.02 + 0.08 * (1 + std::cos(std::numbers::pi / 5)) / 2, 1e-16);
}

TEST(ReduceLROnPlateau, CutsTheRateAfterPatienceEpochsWithoutImprovement) {
  Fixture f;
  optim::PlateauOptions o;
  o.patience = 2;
  o.factor = 0.5;
  optim::ReduceLROnPlateau s(f.sgd, o);
  // Epoch:           1    2    3     4     5     6    7    8    9
  const std::vector<double> loss{1.0, 0.9, 0.95, 0.9, 0.89999, 0.8, 0.8, 0.8, 0.8};
  const std::vector<double> lr{0.1, 0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.05, 0.025};
  // Epoch 5: 0.89999 is not below 0.9 * (1 - 1e-4): a third bad epoch, > patience, so halve.
  for (size_t e = 0; e < loss.size(); ++e) {
    s.step(static_cast<int64_t>(e + 1), loss[e]);
    EXPECT_DOUBLE_EQ(f.sgd.lr(), lr[e]) << "after epoch " << e + 1;
  }
}

TEST(ReduceLROnPlateau, MaxModeCooldownAndMinLr) {
  Fixture f;
  optim::PlateauOptions o;
  o.mode = "max";
  o.patience = 0;
  o.cooldown = 1;
  o.factor = 0.1;
  o.min_lr = 0.002;
  optim::ReduceLROnPlateau s(f.sgd, o);
  s.step(1, 0.5);  // improves on -inf
  EXPECT_DOUBLE_EQ(f.sgd.lr(), 0.1);
  s.step(2, 0.4);  // bad: 1 > 0 -> cut to 0.01, cooldown 1
  EXPECT_DOUBLE_EQ(f.sgd.lr(), 0.01);
  s.step(3, 0.4);  // cooling down: bad epochs reset
  EXPECT_DOUBLE_EQ(f.sgd.lr(), 0.01);
  s.step(4, 0.4);  // cut again, floored at min_lr
  EXPECT_DOUBLE_EQ(f.sgd.lr(), 0.002);
  EXPECT_DOUBLE_EQ(s.best(), 0.5);
}

TEST(ReduceLROnPlateau, StateRoundTripsForResume) {
  Fixture a, b;
  optim::PlateauOptions o;
  o.patience = 1;
  optim::ReduceLROnPlateau first(a.sgd, o), second(b.sgd, o);
  first.step(1, 1.0);
  first.step(2, 2.0);
  second.load_state(first.state());
  first.step(3, 2.0);
  second.step(3, 2.0);
  EXPECT_DOUBLE_EQ(a.sgd.lr(), 0.01);
  EXPECT_DOUBLE_EQ(b.sgd.lr(), 0.01);
}

TEST(LrScheduleFactory, BuildsByNameAndRefusesUnknownKeys) {
  Fixture f;
  auto s = optim::make_lr_schedule({{"type", "step"}, {"step_size", 2}, {"gamma", 0.5}}, f.sgd);
  s->step(2, 0);
  EXPECT_DOUBLE_EQ(f.sgd.lr(), 0.05);
  EXPECT_TRUE(optim::make_lr_schedule({{"type", "reduce_on_plateau"}, {"patience", 3}}, f.sgd)
                  ->needs_metric());
  try {
    optim::make_lr_schedule({{"type", "cosine"}, {"tmax", 3}}, f.sgd);
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(
        std::string(e.what()).find("'cosine' has no option 'tmax'; its options are t_max, eta_min"),
        std::string::npos)
        << e.what();
  }
  try {
    optim::make_lr_schedule({{"type", "onecycle"}}, f.sgd);
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(
        std::string(e.what()).find("choose one of step, exponential, cosine, reduce_on_plateau"),
        std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace scidl::testing
