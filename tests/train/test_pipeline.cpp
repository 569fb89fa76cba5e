// The pipeline's parts that need no second process: how stages are balanced, what it refuses,
// and a one-stage pipeline (a size-1 communicator), whose gradients accumulated over
// micro-batches must train exactly as the whole batch does. Two real stages: tests/mpi/.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <atomic>

#include "../test_util.h"
#include "scidl/io/config_reader.h"
#include "scidl/nn/model_spec.h"
#include "scidl/ops/random_ops.h"
#include "scidl/optim/factory.h"
#include "scidl/tensor/random.h"
#include "scidl/train/checkpoint.h"
#include "scidl/train/pipeline.h"
#include "scidl/train/run_config.h"
#include "scidl/train/trainer.h"

namespace scidl::train {
namespace {

using Bounds = std::vector<std::pair<size_t, size_t>>;

TEST(BalanceStages, CutsBeforeLayersWithParametersSoTheLargestStageIsSmallest) {
  // Four layers with parameters, each followed by an activation (0 parameters).
  const std::vector<int64_t> counts{100, 0, 100, 0, 100, 0, 10};
  EXPECT_EQ(balance_stages(counts, 1), (Bounds{{0, 7}}));
  EXPECT_EQ(balance_stages(counts, 2), (Bounds{{0, 4}, {4, 7}}));  // 200 | 110
  EXPECT_EQ(balance_stages(counts, 3), (Bounds{{0, 2}, {2, 4}, {4, 7}}));
  EXPECT_EQ(balance_stages({10, 1000, 10, 10}, 2), (Bounds{{0, 2}, {2, 4}}));  // 1010 | 20
  EXPECT_EQ(balance_stages({0, 5, 0, 5}, 2), (Bounds{{0, 3}, {3, 4}}));  // a leading input layer
}

TEST(BalanceStages, MoreStagesThanLayersWithParametersIsRefused) {
  try {
    balance_stages({5, 0, 5}, 3);
    FAIL() << "3 stages over 2 layers were accepted";
  } catch (const dist::JobError& e) {
    EXPECT_NE(std::string(e.what()).find("the model has 2: run at most 2 ranks"), std::string::npos)
        << e.what();
  }
}

const char* kMlp = R"({"inputs": 5, "layers": [
    {"type": "dense", "units": 16, "activation": "tanh"},
    {"type": "dense", "units": 8, "activation": "relu"},
    {"type": "dense", "units": 2}]})";

data::Dataset make_data(int64_t rows) {
  Generator gen(5);
  data::Dataset d;
  d.x = randn({rows, 5}, DType::Float32, gen);
  d.y = randn({rows, 2}, DType::Float32, gen);
  return d;
}

// The flat parameters after two epochs at batch 12 (the last batch of each 6 rows).
std::vector<float> train(int micro_batches, const std::string& optimizer) {
  auto model = nn::build_model(nlohmann::json::parse(kMlp), 3);
  auto spec = optim::default_optimizer_spec(optimizer);
  spec.lr = 0.05;
  spec.momentum = optimizer == "sgd" ? 0.9 : spec.momentum;
  auto opt = optim::make_optimizer(spec, model->parameters());
  Trainer trainer(*model, *opt, "mse", {"mae"});
  dist::SingleProcessCommunicator alone;
  PipelineOptions options;
  options.micro_batches = micro_batches;
  if (micro_batches > 0) trainer.set_pipeline(&alone, options);
  FitOptions o;
  o.epochs = 2;
  o.batch_size = 12;
  o.seed = 4;
  o.verbose = false;
  trainer.fit(make_data(66), nullptr, o);
  const Tensor& flat = opt->flat_parameters();
  return {flat.data<float>(), flat.data<float>() + flat.numel()};
}

TEST(Pipeline, MicroBatchGradientsAccumulateToTheWholeBatchGradient) {
  for (const char* optimizer : {"sgd", "adam"}) {
    const auto whole = train(0, optimizer);
    for (int m : {1, 3, 4}) {
      const auto piped = train(m, optimizer);
      ASSERT_EQ(piped.size(), whole.size());
      for (size_t i = 0; i < whole.size(); ++i)
        ASSERT_NEAR(piped[i], whole[i], 1e-5) << optimizer << ", " << m << " micro-batches, " << i;
    }
  }
}

// Stopped (Ctrl-C) between the steps that gather every stage's layers, a stage writes no
// checkpoint of stale layers: the last gathered one stays the resume point. Plain training
// writes one at the stop.
TEST(Pipeline, AStopBetweenGatheredStepsKeepsTheLastCheckpoint) {
  for (bool pipelined : {false, true}) {
    testing::TempDir dir(pipelined ? "pipeline_stop" : "pipeline_stop_plain");
    auto model = nn::build_model(nlohmann::json::parse(kMlp), 3);
    auto opt = optim::make_optimizer(optim::default_optimizer_spec("adam"), model->parameters());
    Trainer trainer(*model, *opt, "mse", {});
    dist::SingleProcessCommunicator alone;
    PipelineOptions options;
    options.micro_batches = 2;
    options.synchronize_every = 4;
    if (pipelined) trainer.set_pipeline(&alone, options);
    std::atomic<bool> stop{false};
    CheckpointWriter writer(dir.path / "ckpt.scidl", 4, {}, {}, &stop);
    struct StopAt : Callback {
      std::atomic<bool>* flag;
      explicit StopAt(std::atomic<bool>* f) : flag(f) {}
      void on_batch_end(Trainer&, int64_t step, const Logs&) override {
        if (step == 6) *flag = true;  // after the checkpoint of step 4, before step 8's
      }
    } stop_at(&stop);
    FitOptions o;
    o.epochs = 1;
    o.batch_size = 6;
    o.verbose = false;
    trainer.fit(make_data(66), nullptr, o, {&stop_at, &writer});
    EXPECT_TRUE(writer.interrupted());
    EXPECT_EQ(train::read_checkpoint_summary(dir.path / "ckpt.scidl").global_step,
              pipelined ? 4 : 6);
  }
}

TEST(Pipeline, RefusesABatchThatMicroBatchesDoNotDivide) {
  auto model = nn::build_model(nlohmann::json::parse(kMlp), 3);
  auto opt = optim::make_optimizer(optim::default_optimizer_spec("sgd"), model->parameters());
  dist::SingleProcessCommunicator alone;
  PipelineOptions options;
  options.micro_batches = 5;
  Pipeline pipeline(alone, *model, *opt, options);
  EXPECT_NO_THROW(pipeline.check_fit(10, false, false, false));
  for (int64_t batch : {12, 4}) {
    try {
      pipeline.check_fit(batch, false, false, false);
      ADD_FAILURE() << "batch " << batch << " in 5 micro-batches was accepted";
    } catch (const dist::JobError& e) {
      EXPECT_NE(std::string(e.what()).find(batch == 12 ? "does not divide training.batch_size = 12"
                                                       : "is larger than training.batch_size = 4"),
                std::string::npos)
          << e.what();
    }
  }
  EXPECT_THROW(pipeline.check_fit(10, true, false, false), dist::JobError);  // graphs
  EXPECT_THROW(pipeline.check_fit(10, false, false, true), dist::JobError);  // clip by norm
}

TEST(DistributedConfig, PipelineKeysAreReadAndCheckedAgainstTheBatch) {
  const std::string base = R"([data]
x = "x.csv"
y = "y.csv"
[model]
inputs = 2
layers = [{ type = "dense", units = 2 }]
[training]
batch_size = 8
)";
  auto parse = [&](const std::string& extra) {
    io::ConfigDocument doc = io::parse_config_string(base + extra, "run.toml");
    return parse_run_config(doc, ".");
  };
  const RunConfig c =
      parse("[distributed]\nmode = \"pipeline\"\nmicro_batches = 4\nsplit_before = [1]\n");
  EXPECT_EQ(c.distributed.mode, "pipeline");
  EXPECT_EQ(c.distributed.micro_batches, 4);
  EXPECT_EQ(c.distributed.split_before, (std::vector<int64_t>{1}));
  EXPECT_EQ(to_json(c)["distributed"]["micro_batches"], 4);
  EXPECT_EQ(parse("").distributed.mode, "data");
  EXPECT_FALSE(to_json(parse("")).contains("distributed"));  // older runs resume unchanged
  try {
    parse("[distributed]\nmode = \"pipeline\"\nmicro_batches = 3\n");
    FAIL() << "3 micro-batches of a batch of 8 were accepted";
  } catch (const io::ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("distributed.micro_batches"), std::string::npos)
        << e.what();
    EXPECT_NE(std::string(e.what()).find("does not divide training.batch_size = 8"),
              std::string::npos)
        << e.what();
  }
  EXPECT_THROW(parse("[distributed]\nmode = \"tensor\"\n"), io::ConfigError);
}

}  // namespace
}  // namespace scidl::train
