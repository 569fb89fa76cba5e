// Data-parallel training across real processes: this program runs under `mpirun -np 2` (ctest:
// DataParallelMpi.*). Each rank trains with batch B/2 on its shard; the same process then trains
// one rank's worth alone (a size-1 communicator: the same DistributedSampler order) with batch
// B, and after 10 steps the weights must agree to float32 rounding, for the MLP (the fused dense
// pass) and the CNN (autograd), under every optimizer scidl has.
#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>

#include "job_communicator.h"
#include "scidl/dist/mpi_communicator.h"
#include "scidl/nn/model_spec.h"
#include "scidl/ops/random_ops.h"
#include "scidl/optim/factory.h"
#include "scidl/tensor/random.h"
#include "scidl/train/data_parallel.h"
#include "scidl/train/trainer.h"

namespace scidl {

dist::Communicator* g_comm = nullptr;

namespace {

struct Case {
  const char* name;
  const char* spec;
  Shape x_shape;
  bool classes;
};

const Case kMlp{"mlp",
                R"({"inputs": 6, "layers": [
    {"type": "dense", "units": 32, "activation": "tanh"},
    {"type": "dense", "units": 32, "activation": "tanh"},
    {"type": "dense", "units": 3}]})",
                {6},
                false};
// No batch norm: DDP normalises each rank's batch by its own statistics (as PyTorch's does
// unless the model uses SyncBatchNorm), which one rank with the whole batch cannot match.
const Case kCnn{"cnn",
                R"({"inputs": [1, 8, 8], "layers": [
    {"type": "conv2d", "filters": 4, "kernel_size": 3, "padding": "same"},
    {"type": "relu"},
    {"type": "maxpool2d", "pool_size": 2},
    {"type": "flatten"},
    {"type": "dense", "units": 3}]})",
                {1, 8, 8},
                true};

constexpr int64_t kBatch = 16;  // the job's batch: kBatch / ranks on each
constexpr int kSteps = 10;

data::Dataset make_data(const Case& c) {
  Generator gen(7);
  data::Dataset d;
  Shape shape{kBatch * kSteps};
  shape.insert(shape.end(), c.x_shape.begin(), c.x_shape.end());
  d.x = randn(shape, DType::Float32, gen);
  if (c.classes) {
    d.y = empty({kBatch * kSteps}, DType::Int64);
    for (int64_t i = 0; i < d.y.numel(); ++i) d.y.data<int64_t>()[i] = (i * 7) % 3;
  } else {
    d.y = randn({kBatch * kSteps, 3}, DType::Float32, gen);
  }
  return d;
}

// The flat parameters after 10 steps of one epoch at `batch`, as one rank of `comm`.
std::vector<float> train(const Case& c, const std::string& optimizer, dist::Communicator& comm,
                         int64_t batch, train::Logs* log = nullptr) {
  auto model = nn::build_model(nlohmann::json::parse(c.spec), 3);
  auto spec = optim::default_optimizer_spec(optimizer);
  // Rates that move the weights well within 10 steps without making them chaotic (RMSprop at
  // 0.05 diverges, and then any rounding grows to 1e-2); adadelta keeps PyTorch's 1.0.
  if (optimizer != "adadelta") spec.lr = optimizer == "rmsprop" ? 0.01 : 0.05;
  if (optimizer == "sgd") spec.momentum = 0.9;
  auto opt = optim::make_optimizer(spec, model->parameters());
  train::Trainer trainer(
      *model, *opt, c.classes ? "cross_entropy" : "mse",
      c.classes ? std::vector<std::string>{"accuracy"} : std::vector<std::string>{"mae"});
  trainer.set_communicator(&comm);
  train::FitOptions o;
  o.epochs = 1;
  o.batch_size = batch;
  o.seed = 11;
  o.verbose = false;
  const auto history = trainer.fit(make_data(c), nullptr, o);
  EXPECT_EQ(trainer.global_step(), kSteps);
  if (log) *log = history.epochs.at(0);
  const Tensor& flat = opt->flat_parameters();
  return {flat.data<float>(), flat.data<float>() + flat.numel()};
}

class DataParallelMpi : public ::testing::TestWithParam<std::tuple<int, std::string>> {};

TEST_P(DataParallelMpi, RanksWithHalfBatchesMatchOneRankWithTheWholeBatch) {
  const Case& c = std::get<0>(GetParam()) == 0 ? kMlp : kCnn;
  const std::string optimizer = std::get<1>(GetParam());
  ASSERT_EQ(kBatch % g_comm->size(), 0);
  train::Logs job_log, alone_log;
  const auto job = train(c, optimizer, *g_comm, kBatch / g_comm->size(), &job_log);
  dist::SingleProcessCommunicator alone;
  const auto reference = train(c, optimizer, alone, kBatch, &alone_log);
  // Every rank logs the job's loss and metric, the same as one rank over the whole batch.
  expect_job_matches_one_rank(job, reference, job_log, alone_log, c.classes ? "accuracy" : "mae",
                              std::string(c.name) + " " + optimizer);
}

INSTANTIATE_TEST_SUITE_P(EveryOptimizer, DataParallelMpi,
                         ::testing::Combine(::testing::Values(0, 1),
                                            ::testing::Values("sgd", "adam", "adamw", "adagrad",
                                                              "adadelta", "rmsprop")),
                         [](const auto& info) {
                           return std::string(std::get<0>(info.param) == 0 ? "Mlp_" : "Cnn_") +
                                  std::get<1>(info.param);
                         });

TEST(DataParallelMpiSettings, RanksGivenDifferentConfigsAreToldWhichKeysDiffer) {
  if (g_comm->size() < 2) GTEST_SKIP() << "needs 2 ranks";
  nlohmann::json settings = {{"training", {{"batch_size", 32}, {"epochs", 3}}}};
  EXPECT_NO_THROW(train::check_same_settings(*g_comm, settings));
  if (g_comm->rank() == 1) settings["training"]["batch_size"] = 64;
  try {
    train::check_same_settings(*g_comm, settings);
    FAIL() << "different configs were accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("training.batch_size: 32 on rank 0, 64 on rank 1"),
              std::string::npos)
        << e.what();
  }
}

TEST(DataParallelMpiSettings, MoreRanksThanExamplesIsRefusedOnEveryRank) {
  if (g_comm->size() < 2) GTEST_SKIP() << "needs 2 ranks";
  auto model = nn::build_model(nlohmann::json::parse(kMlp.spec), 3);
  auto opt = optim::make_optimizer(optim::default_optimizer_spec("sgd"), model->parameters());
  train::Trainer trainer(*model, *opt, "mse");
  trainer.set_communicator(g_comm);
  data::Dataset d;
  d.x = zeros({1, 6});
  d.y = zeros({1, 3});
  train::FitOptions o;
  o.verbose = false;
  try {
    trainer.fit(d, nullptr, o);
    FAIL() << "one example over two ranks was accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("holds 1: run at most 1 rank"), std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace scidl

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  scidl::dist::MpiCommunicator comm;
  comm.set_timeout(std::chrono::seconds(60));
  scidl::g_comm = &comm;
  // Only rank 0 prints gtest's progress; every rank's failures still reach the exit status.
  if (comm.rank() != 0) {
    auto& listeners = ::testing::UnitTest::GetInstance()->listeners();
    delete listeners.Release(listeners.default_result_printer());
  }
  const int status = RUN_ALL_TESTS();
  int failed = status != 0;
  double any = failed;
  comm.all_reduce_sum(&any, 1, "the test results");
  return any > 0 ? 1 : 0;
}
