// The data-parallel parts that need no second process: gradient buckets, and a trainer on a
// single-process communicator (DistributedSampler's order; nothing to average).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "scidl/nn/model_spec.h"
#include "scidl/ops/random_ops.h"
#include "scidl/optim/factory.h"
#include "scidl/train/callbacks/lr_warmup.h"
#include "scidl/train/data_parallel.h"
#include "scidl/train/trainer.h"

namespace scidl::train {
namespace {

TEST(GradientBuckets, TakenFromTheEndFirstSmallThenCapped) {
  using B = std::vector<std::pair<int64_t, int64_t>>;
  EXPECT_EQ(gradient_buckets(10, 4, 3), (B{{6, 10}, {3, 6}, {0, 3}}));
  EXPECT_EQ(gradient_buckets(3, 4, 3), (B{{0, 3}}));
  EXPECT_TRUE(gradient_buckets(0, 4, 3).empty());
}

TEST(DataParallelTrainer, OneRankTrainsDeterministicallyInTheSamplersOrder) {
  auto run = [](bool with_communicator) {
    manual_seed(1);
    auto model = nn::build_model(nlohmann::json::parse(R"({"inputs": 4, "layers": [
        {"type": "dense", "units": 8, "activation": "tanh"}, {"type": "dense", "units": 1}]})"),
                                 2);
    auto opt = optim::make_optimizer(optim::default_optimizer_spec("adam"), model->parameters());
    Trainer trainer(*model, *opt, "mse", {"mae"});
    dist::SingleProcessCommunicator alone;
    if (with_communicator) trainer.set_communicator(&alone);
    data::Dataset d;
    Generator gen(3);
    d.x = randn({40, 4}, DType::Float32, gen);
    d.y = randn({40, 1}, DType::Float32, gen);
    FitOptions o;
    o.epochs = 2;
    o.batch_size = 8;
    o.verbose = false;
    const auto h = trainer.fit(d, nullptr, o);
    EXPECT_EQ(trainer.global_step(), 10);
    return std::make_pair(h.epochs.back().at("loss"), opt->flat_parameters().to_vector<float>());
  };
  const auto a = run(true), b = run(true), plain = run(false);
  EXPECT_EQ(a, b);
  EXPECT_NE(a.second, plain.second) << "the sampler's order (seed + epoch) is not a plain fit's";
}

TEST(CheckSameSettings, OneRankAgreesWithItself) {
  dist::SingleProcessCommunicator alone;
  EXPECT_NO_THROW(check_same_settings(alone, {{"a", 1}}));
}

}  // namespace
}  // namespace scidl::train

namespace scidl::train {
namespace {

TEST(LrWarmup, RisesByEqualStepsThenLeavesTheRateAlone) {
  const LrWarmup w(0.1, 0.4, 3);
  EXPECT_DOUBLE_EQ(w.rate_at(0), 0.1);
  EXPECT_DOUBLE_EQ(w.rate_at(1), 0.2);
  EXPECT_DOUBLE_EQ(w.rate_at(2), 0.3);
  EXPECT_DOUBLE_EQ(w.rate_at(3), 0.4);
  EXPECT_DOUBLE_EQ(w.rate_at(50), 0.4);
}

TEST(LrWarmup, EachStepOfAFitTrainsAtItsRate) {
  auto model = nn::build_model(nlohmann::json::parse(R"({"inputs": 2, "layers": [
      {"type": "dense", "units": 1}]})"),
                               1);
  auto opt = optim::make_optimizer(optim::default_optimizer_spec("sgd"), model->parameters());
  Trainer trainer(*model, *opt, "mse");
  struct Record : Callback {  // the rate the next step trains at, after the warm-up set it
    std::vector<double> rates;
    void on_batch_end(Trainer& t, int64_t, const Logs&) override {
      rates.push_back(t.optimizer().lr());
    }
  } record;
  LrWarmup warmup(0.01, 0.05, 4);
  data::Dataset d;
  d.x = zeros({12, 2});
  d.y = zeros({12, 1});
  FitOptions o;
  o.epochs = 2;
  o.batch_size = 2;
  o.verbose = false;
  trainer.fit(d, nullptr, o, {&warmup, &record});
  const std::vector<double> want{0.02, 0.03, 0.04, 0.05, 0.05, 0.05,
                                 0.05, 0.05, 0.05, 0.05, 0.05, 0.05};
  ASSERT_EQ(record.rates.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) EXPECT_NEAR(record.rates[i], want[i], 1e-12) << i;
}

}  // namespace
}  // namespace scidl::train
