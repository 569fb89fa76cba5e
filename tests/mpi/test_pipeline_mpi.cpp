// A pipeline across real processes (ctest: PipelineMpi.TwoStages, under `mpirun -np 2`): the
// model's layers cut into two stages, one a rank, each batch streamed through in micro-batches.
// The same process then trains the whole model alone on the same batches, and after the epoch's
// steps the weights (gathered on every rank) must agree to float32 rounding, for an MLP and a
// CNN, under SGD with momentum, Adam and RMSprop, with an epoch whose last batch is shorter and
// cut unevenly.
#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>

#include "job_communicator.h"
#include "scidl/nn/model_spec.h"
#include "scidl/ops/random_ops.h"
#include "scidl/optim/factory.h"
#include "scidl/tensor/random.h"
#include "scidl/train/pipeline.h"
#include "scidl/train/trainer.h"

namespace scidl {
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
    {"type": "dense", "units": 16, "activation": "relu"},
    {"type": "dense", "units": 3}]})",
                {6},
                false};
// Layers of several kinds (convolutions, pooling, layer norm, dense), cut by parameter count.
const Case kCnn{"cnn",
                R"({"inputs": [1, 8, 8], "layers": [
    {"type": "conv2d", "filters": 4, "kernel_size": 3, "padding": "same", "activation": "relu"},
    {"type": "maxpool2d", "pool_size": 2},
    {"type": "conv2d", "filters": 6, "kernel_size": 3, "padding": "same"},
    {"type": "tanh"},
    {"type": "flatten"},
    {"type": "layernorm"},
    {"type": "dense", "units": 16, "activation": "relu"},
    {"type": "dense", "units": 3}]})",
                {1, 8, 8},
                true};

constexpr int64_t kBatch = 16;
constexpr int kMicroBatches = 4;
constexpr int64_t kRows = kBatch * 9 + 6;  // ten steps, the last of 6 rows: micro-batches 2,2,1,1

data::Dataset make_data(const Case& c) {
  Generator gen(7);
  data::Dataset d;
  Shape shape{kRows};
  shape.insert(shape.end(), c.x_shape.begin(), c.x_shape.end());
  d.x = randn(shape, DType::Float32, gen);
  if (c.classes) {
    d.y = empty({kRows}, DType::Int64);
    for (int64_t i = 0; i < d.y.numel(); ++i) d.y.data<int64_t>()[i] = (i * 7) % 3;
  } else {
    d.y = randn({kRows, 3}, DType::Float32, gen);
  }
  return d;
}

// The flat parameters after one epoch, trained alone (`pipeline` null) or as a stage.
std::vector<float> train(const Case& c, const std::string& optimizer,
                         const train::PipelineOptions* pipeline, train::Logs* log = nullptr) {
  auto model = nn::build_model(nlohmann::json::parse(c.spec), 3);
  auto spec = optim::default_optimizer_spec(optimizer);
  spec.lr = optimizer == "rmsprop" ? 0.01 : 0.05;
  if (optimizer == "sgd") spec.momentum = 0.9;
  auto opt = optim::make_optimizer(spec, model->parameters());
  train::Trainer trainer(
      *model, *opt, c.classes ? "cross_entropy" : "mse",
      c.classes ? std::vector<std::string>{"accuracy"} : std::vector<std::string>{"mae"});
  if (pipeline) trainer.set_pipeline(g_comm, *pipeline);
  train::FitOptions o;
  o.epochs = 1;
  o.batch_size = kBatch;
  o.seed = 11;
  o.verbose = false;
  const auto history = trainer.fit(make_data(c), nullptr, o);
  EXPECT_EQ(trainer.global_step(), 10);
  if (log) *log = history.epochs.at(0);
  const Tensor& flat = opt->flat_parameters();
  return {flat.data<float>(), flat.data<float>() + flat.numel()};
}

class PipelineMpi : public ::testing::TestWithParam<std::tuple<int, std::string>> {};

TEST_P(PipelineMpi, StagesMatchOneRankOverTheWholeBatch) {
  const Case& c = std::get<0>(GetParam()) == 0 ? kMlp : kCnn;
  const std::string optimizer = std::get<1>(GetParam());
  train::PipelineOptions options;
  options.micro_batches = kMicroBatches;
  train::Logs job_log, alone_log;
  const auto job = train(c, optimizer, &options, &job_log);
  const auto reference = train(c, optimizer, nullptr, &alone_log);
  // Every rank holds the whole model after the epoch, rank 0's exactly.
  expect_job_matches_one_rank(job, reference, job_log, alone_log, c.classes ? "accuracy" : "mae",
                              std::string(c.name) + " " + optimizer);
}

INSTANTIATE_TEST_SUITE_P(Optimizers, PipelineMpi,
                         ::testing::Combine(::testing::Values(0, 1),
                                            ::testing::Values("sgd", "adam", "rmsprop")),
                         [](const auto& info) {
                           return std::string(std::get<0>(info.param) == 0 ? "Mlp_" : "Cnn_") +
                                  std::get<1>(info.param);
                         });

TEST(PipelineMpiStages, AreBalancedByParameterCountOrWhereSplitBeforeSays) {
  if (g_comm->size() != 2) GTEST_SKIP() << "needs 2 ranks";
  auto model = nn::build_model(nlohmann::json::parse(kMlp.spec), 3);
  auto opt = optim::make_optimizer(optim::default_optimizer_spec("adam"), model->parameters());
  // Layers: 0 Linear(6,32) 224, 1 tanh, 2 Linear(32,32) 1056, 3 tanh, 4 Linear(32,16) 528,
  // 5 relu, 6 Linear(16,3) 51: the smallest largest stage is 224 + 1056.
  train::Pipeline balanced(*g_comm, *model, *opt, {});
  EXPECT_EQ(balanced.stage_layers(), (std::vector<std::pair<size_t, size_t>>{{0, 4}, {4, 7}}));
  train::PipelineOptions split;
  split.split_before = {6};
  train::Pipeline given(*g_comm, *model, *opt, split);
  EXPECT_EQ(given.stage_layers(), (std::vector<std::pair<size_t, size_t>>{{0, 6}, {6, 7}}));
  EXPECT_EQ(given.stage_parameters(1), 51);
  // And the explicit cut trains to the same weights as one rank.
  split.micro_batches = 2;
  const auto job = train(kMlp, "adam", &split);
  const auto reference = train(kMlp, "adam", nullptr);
  for (size_t i = 0; i < job.size(); ++i) ASSERT_NEAR(job[i], reference[i], 2e-5) << i;
}

TEST(PipelineMpiStages, ModelsThatCannotBeCutAreRefusedOnEveryRank) {
  if (g_comm->size() != 2) GTEST_SKIP() << "needs 2 ranks";
  auto expect_refused = [](const char* spec, train::PipelineOptions options, const char* says) {
    auto model = nn::build_model(nlohmann::json::parse(spec), 3);
    auto opt = optim::make_optimizer(optim::default_optimizer_spec("sgd"), model->parameters());
    try {
      train::Pipeline pipeline(*g_comm, *model, *opt, options);
      ADD_FAILURE() << spec << " was cut";
    } catch (const dist::JobError& e) {
      EXPECT_NE(std::string(e.what()).find(says), std::string::npos) << e.what();
    }
  };
  expect_refused(
      R"({"inputs": 3, "layers": [{"type": "dense", "units": 2, "activation": "relu"}]})", {},
      "the model has 1: run at most 1 rank");
  expect_refused(R"({"inputs": 3, "layers": [
      {"name": "a", "type": "dense", "units": 4},
      {"name": "b", "type": "dense", "units": 4, "inputs": ["a"]},
      {"name": "s", "type": "add", "inputs": ["a", "b"]},
      {"type": "dense", "units": 1}]})",
                 {}, "not one chain of layers");
  train::PipelineOptions past_the_end;
  past_the_end.split_before = {7};
  expect_refused(kMlp.spec, past_the_end, "must name 1 increasing layer indices from 1 to 6");
  // A stage of parameterless layers only.
  train::PipelineOptions activation_only;
  activation_only.split_before = {1};
  auto model = nn::build_model(nlohmann::json::parse(
                                   R"({"inputs": 3, "layers": [{"type": "dense", "units": 4},
                                       {"type": "relu"}]})"),
                               3);
  auto opt = optim::make_optimizer(optim::default_optimizer_spec("sgd"), model->parameters());
  try {
    train::Pipeline pipeline(*g_comm, *model, *opt, activation_only);
    ADD_FAILURE() << "a stage without parameters was accepted";
  } catch (const dist::JobError& e) {
    EXPECT_NE(std::string(e.what()).find("pipeline stage 2 (layers [1, 2) of the model's 2) "
                                         "holds no parameters"),
              std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace scidl
