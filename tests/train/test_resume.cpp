// Resumable fits in process: a fit interrupted mid-epoch (a callback throws, as a crash would)
// and resumed from its last checkpoint ends with the same weights and the same history, bit for
// bit, as one never interrupted: data order, Dropout masks, optimizer moments and callback state
// all continue. A checkpoint write that fails leaves the previous checkpoint valid.
#include <unistd.h>

#include "../test_util.h"
#include "scidl/data/synthetic.h"
#include "scidl/nn/model_spec.h"
#include "scidl/optim/adam.h"
#include "scidl/train/callbacks/early_stopping.h"
#include "scidl/train/checkpoint.h"
#include "scidl/train/trainer.h"

namespace scidl::testing {
namespace {

nlohmann::json mlp_with_dropout() {
  return {{"inputs", 3},
          {"layers",
           {{{"type", "dense"}, {"units", 16}, {"activation", "relu"}},
            {{"type", "dropout"}, {"rate", 0.25}},
            {{"type", "dense"}, {"units", 1}}}}};
}

struct Crash : train::Callback {
  int64_t at_step;
  explicit Crash(int64_t s) : at_step(s) {}
  void on_batch_end(train::Trainer&, int64_t step, const train::Logs&) override {
    if (step == at_step) throw std::runtime_error("simulated crash");
  }
};

struct ResumableFit {
  data::Dataset train = data::damped_oscillator_dataset(8, 25, 4);  // 200 rows: 13 batches of 16
  data::Dataset val = data::damped_oscillator_dataset(2, 25, 5);
  std::shared_ptr<nn::Sequential> model;
  std::unique_ptr<optim::Adam> opt;
  std::unique_ptr<train::Trainer> trainer;
  train::EarlyStopping stopper{{.patience = 100, .restore_best_weights = true}};
  std::unique_ptr<train::CheckpointWriter> writer;
  ResumableFit(const std::filesystem::path& ckpt, int64_t every) {
    manual_seed(7);
    model = nn::build_sequential(mlp_with_dropout(), 7);
    opt = std::make_unique<optim::Adam>(model->parameters(), optim::AdamOptions{.lr = 5e-3});
    trainer = std::make_unique<train::Trainer>(*model, *opt, train::make_loss("mse"),
                                               std::vector<std::string>{"mae", "r2"});
    writer = std::make_unique<train::CheckpointWriter>(
        ckpt, every, std::vector<train::Callback*>{&stopper}, nlohmann::json{{"test", true}});
  }
  train::History fit(std::vector<train::Callback*> extra = {}) {
    train::FitOptions o;
    o.epochs = 4;
    o.batch_size = 16;
    o.seed = 3;
    o.verbose = false;
    std::vector<train::Callback*> cbs{&stopper};
    cbs.insert(cbs.end(), extra.begin(), extra.end());
    cbs.push_back(writer.get());
    return trainer->fit(train, &val, o, cbs);
  }
};

void expect_same_history(const train::History& a, const train::History& b) {
  ASSERT_EQ(a.epochs.size(), b.epochs.size());
  for (size_t e = 0; e < a.epochs.size(); ++e)
    for (const auto& [k, v] : a.epochs[e]) {
      if (k == "time_s") continue;
      EXPECT_EQ(v, b.epochs[e].at(k)) << k << " at epoch " << e + 1;
    }
}

TEST(Resume, AFitCrashedMidEpochAndResumedMatchesAnUninterruptedOneBitForBit) {
  TempDir dir("resume_inproc");
  ResumableFit whole(dir.path / "whole.scidl", 5);
  auto expected_history = whole.fit();
  auto expected = whole.opt->flat_parameters().to_vector<float>();

  auto ckpt = dir.path / "ckpt.scidl";
  {
    ResumableFit crashed(ckpt, 5);
    Crash crash(18);  // the last checkpoint is at step 15: epoch 2, batch 2 of 13
    EXPECT_THROW(crashed.fit({&crash}), std::runtime_error);
  }
  auto summary = train::read_checkpoint_summary(ckpt);
  EXPECT_EQ(summary.global_step, 15);
  EXPECT_EQ(summary.epoch, 1);
  EXPECT_EQ(summary.batch, 2);
  EXPECT_EQ(summary.run_meta, nlohmann::json({{"test", true}}));

  ResumableFit resumed(ckpt, 5);
  train::restore_training_checkpoint(ckpt, *resumed.trainer, {&resumed.stopper});
  auto history = resumed.fit();
  EXPECT_EQ(resumed.opt->flat_parameters().to_vector<float>(), expected);
  expect_same_history(history, expected_history);
  EXPECT_EQ(resumed.stopper.best_epoch(), whole.stopper.best_epoch());
  EXPECT_EQ(resumed.trainer->global_step(), whole.trainer->global_step());
}

TEST(Resume, AFitResumedFromAnEpochEndCheckpointAlsoMatches) {
  TempDir dir("resume_epoch_end");
  ResumableFit whole(dir.path / "whole.scidl", 0);
  whole.fit();
  auto ckpt = dir.path / "ckpt.scidl";
  {
    ResumableFit crashed(ckpt, 0);
    Crash crash(30);  // epoch 3, after the epoch-2 checkpoint
    EXPECT_THROW(crashed.fit({&crash}), std::runtime_error);
  }
  EXPECT_EQ(train::read_checkpoint_summary(ckpt).batch, 0);
  ResumableFit resumed(ckpt, 0);
  train::restore_training_checkpoint(ckpt, *resumed.trainer, {&resumed.stopper});
  resumed.fit();
  EXPECT_EQ(resumed.opt->flat_parameters().to_vector<float>(),
            whole.opt->flat_parameters().to_vector<float>());
}

TEST(Resume, AFailedCheckpointWriteKeepsThePreviousCheckpointAndSaysSo) {
  TempDir dir("resume_disk_full");
  auto ckpt = dir.path / "ckpt.scidl";
  ResumableFit run(ckpt, 5);
  // After the first checkpoint, a directory takes the temporary file's name: the next write
  // fails the way a full disk does, mid-way and before the rename.
  struct Block : train::Callback {
    std::filesystem::path tmp;
    void on_batch_end(train::Trainer&, int64_t step, const train::Logs&) override {
      if (step == 6) std::filesystem::create_directories(tmp);
    }
  } block;
  block.tmp = ckpt.string() + ".tmp-" + std::to_string(::getpid());
  try {
    run.fit({&block});
    FAIL() << "expected the checkpoint write to fail";
  } catch (const std::runtime_error& e) {
    std::string m = e.what();
    EXPECT_NE(m.find("writing the training checkpoint failed at epoch 1, step 10"),
              std::string::npos)
        << m;
    EXPECT_NE(m.find("The previous checkpoint (epoch 1, batch 5, step 5) is intact"),
              std::string::npos)
        << m;
    EXPECT_NE(m.find("--resume"), std::string::npos) << m;
  }
  auto summary = train::read_checkpoint_summary(ckpt);  // still valid (CRC-checked)
  EXPECT_EQ(summary.global_step, 5);
}

TEST(Resume, ACheckpointMissingACallbacksStateIsRefusedBeforeAnythingChanges) {
  TempDir dir("resume_missing_state");
  auto ckpt = dir.path / "ckpt.scidl";
  {
    ResumableFit run(ckpt, 0);
    train::FitOptions o;
    o.epochs = 1;
    o.verbose = false;
    train::CheckpointWriter bare(ckpt, 0, {}, {});
    run.trainer->fit(run.train, nullptr, o, {&bare});
  }
  ResumableFit other(ckpt, 0);
  auto before = other.opt->flat_parameters().to_vector<float>();
  try {
    train::restore_training_checkpoint(ckpt, *other.trainer, {&other.stopper});
    FAIL();
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("no state for callback 'early_stopping'"),
              std::string::npos)
        << e.what();
  }
  EXPECT_EQ(other.opt->flat_parameters().to_vector<float>(), before);
}

}  // namespace
}  // namespace scidl::testing
