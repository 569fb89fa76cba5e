// The data-parallel parts that need no second process: gradient buckets, and a trainer on a
// single-process communicator (DistributedSampler's order; nothing to average).
#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <optional>

#include "scidl/nn/model_spec.h"
#include "scidl/ops/random_ops.h"
#include "scidl/optim/factory.h"
#include "scidl/scidl.h"
#include "scidl/train/callbacks/lr_warmup.h"
#include "scidl/train/data_parallel.h"
#include "scidl/train/trainer.h"

namespace scidl::train {
namespace {

TEST(GradientBuckets, WholeParametersFromTheLastFirstSmallThenCapped) {
  using B = std::vector<std::pair<int64_t, int64_t>>;
  // Parameters of 2, 3, 1, 4 floats at 0, 2, 5, 6: the first bucket closes at 4 floats or more
  // (the last parameter alone), the others at 3 or more; what remains is the last bucket.
  EXPECT_EQ(gradient_buckets({2, 3, 1, 4}, 4, 3), (B{{6, 10}, {2, 6}, {0, 2}}));
  EXPECT_EQ(gradient_buckets({2, 3, 1, 4}, 100, 3), (B{{0, 10}}));
  // A parameter larger than the cap is a bucket of its own, never split.
  EXPECT_EQ(gradient_buckets({1, 9, 1}, 1, 2), (B{{10, 11}, {1, 10}, {0, 1}}));
  EXPECT_TRUE(gradient_buckets({}, 4, 3).empty());
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

// Two ranks holding the same gradients, in one process: a finished sum doubles each started
// buffer. It notes, as each sum starts, whether the first layer's gradient was still untouched.
class TwinRanks final : public dist::Communicator {
 public:
  const float* watch = nullptr;  // the first layer's gradient
  int64_t watch_count = 0;
  std::vector<bool> started_before_watch_computed;

  int rank() const override { return 0; }
  int size() const override { return 2; }
  int local_rank() const override { return 0; }
  int local_size() const override { return 2; }
  std::string name() const override { return "twin ranks"; }
  void all_reduce_sum(float* d, int64_t n, const std::string&) override {
    for (int64_t i = 0; i < n; ++i) d[i] *= 2;
  }
  void all_reduce_sum(double* d, int64_t n, const std::string&) override {
    for (int64_t i = 0; i < n; ++i) d[i] *= 2;
  }
  void start_all_reduce(Part part) override {
    started_.push_back(part);
    started_before_watch_computed.push_back(
        std::all_of(watch, watch + watch_count, [](float v) { return v == 0.0f; }));
  }
  void progress() override {}
  void finish_all_reduces(const std::string& what) override {
    for (const Part& p : started_) all_reduce_sum(p.data, p.count, what);
    started_.clear();
  }
  void broadcast(void*, int64_t, int, const std::string&) override {}
  std::vector<uint64_t> all_gather(uint64_t v, const std::string&) override { return {v, v}; }
  void send(const void*, int64_t, int, int, const std::string&) override {}
  void recv(void*, int64_t, int, int, const std::string&) override {}
  void wait_sends(const std::string&) override {}
  [[noreturn]] void abort(int status) override { std::exit(status); }

 private:
  std::vector<Part> started_;
};

TEST(DataParallelBuckets, StartInsideBackwardOnceTheirGradientsAreFinal) {
  Generator gen(5);
  const Tensor x = randn({6, 4}, DType::Float32, gen), y = randn({6, 1}, DType::Float32, gen);
  const std::vector<Tensor> start{randn({4, 8}, DType::Float32, gen),
                                  randn({8, 8}, DType::Float32, gen),
                                  randn({8, 1}, DType::Float32, gen)};
  // The gradients a plain backward gives, then those averaged over the twin ranks.
  auto gradients = [&](std::optional<bool> overlap, size_t& started_in_backward,
                       std::vector<bool>& before_first_layer) {
    std::vector<Tensor> w;
    for (const Tensor& s : start) w.push_back(s.clone().requires_grad_());
    auto opt = optim::make_optimizer(optim::default_optimizer_spec("sgd"), w);
    TwinRanks twins;
    twins.watch = w[0].grad().data<float>();
    twins.watch_count = w[0].numel();
    // Every parameter a bucket of its own.
    DataParallel dp(
        twins, *opt,
        {.first_bucket_bytes = 4, .bucket_bytes = 4, .overlap = overlap.value_or(false)});
    EXPECT_EQ(dp.buckets().size(), 3u);
    opt->zero_grad();
    const Tensor loss = mean(square(matmul(tanh(matmul(tanh(matmul(x, w[0])), w[1])), w[2]) - y));
    if (!overlap) {
      loss.backward();
      return opt->flat_gradients().to_vector<float>();
    }
    dp.backward(loss);
    started_in_backward = dp.started_in_backward();
    dp.average_gradients(0);
    before_first_layer = twins.started_before_watch_computed;
    return opt->flat_gradients().to_vector<float>();
  };
  size_t started = 0;
  std::vector<bool> early;
  const auto plain = gradients(std::nullopt, started, early);
  const auto overlapped = gradients(true, started, early);
  EXPECT_EQ(overlapped, plain);
  EXPECT_EQ(started, 3u) << "every bucket started before backward returned";
  // The last two layers' sums went out while the first layer's gradient was still to come.
  EXPECT_EQ(early, (std::vector<bool>{true, true, false}));
  const auto after = gradients(false, started, early);
  EXPECT_EQ(after, plain);
  EXPECT_EQ(started, 0u) << "without overlap, nothing starts inside backward";
  EXPECT_EQ(early, (std::vector<bool>{false, false, false}));
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
