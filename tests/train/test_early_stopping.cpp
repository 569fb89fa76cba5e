// EarlyStopping, one behaviour per Keras option: each test scripts the monitored values epoch by
// epoch and names the epoch (1-based, as the progress line shows it) after which training stops.
// No training: the callback is driven directly with fake logs.
#include "../test_util.h"
#include "scidl/nn/model_spec.h"
#include "scidl/optim/sgd.h"
#include "scidl/train/callbacks/early_stopping.h"
#include "scidl/train/trainer.h"

namespace scidl::testing {
namespace {

using train::EarlyStopping;
using train::EarlyStoppingOptions;

// The 1-based epoch after which the callback stops training, or 0 when it never does.
int stop_epoch(EarlyStopping& es, const std::vector<double>& values,
               const std::string& key = "val_loss") {
  for (size_t e = 0; e < values.size(); ++e)
    if (es.observe(static_cast<int>(e), {{"loss", 0.0}, {key, values[e]}}))
      return static_cast<int>(e) + 1;
  return 0;
}

TEST(EarlyStopping, DefaultsMonitorValLossWithNoPatience) {
  EarlyStopping es;
  EXPECT_EQ(es.options().monitor, "val_loss");
  EXPECT_EQ(stop_epoch(es, {1.0, 0.9, 0.95, 0.8}), 3);
}

TEST(EarlyStopping, PatienceWaitsThatManyEpochsWithoutImprovement) {
  EarlyStopping es({.patience = 2});
  EXPECT_EQ(stop_epoch(es, {1.0, 0.9, 0.95, 0.92, 0.5}), 4);
  EarlyStopping patient({.patience = 3});
  EXPECT_EQ(stop_epoch(patient, {1.0, 0.9, 0.95, 0.92, 0.5, 0.6, 0.6, 0.6}), 8);
}

TEST(EarlyStoppingMinDelta, SmallImprovementsDoNotCount) {
  std::vector<double> slowly_improving{1.0, 0.97, 0.96, 0.94, 0.93};
  EarlyStopping plain({.patience = 2});
  EXPECT_EQ(stop_epoch(plain, slowly_improving), 0);
  EarlyStopping with_delta({.min_delta = 0.05, .patience = 2});
  EXPECT_EQ(stop_epoch(with_delta, slowly_improving), 3);
  EarlyStopping negative_delta({.min_delta = -0.05, .patience = 2});  // Keras takes abs(min_delta)
  EXPECT_EQ(stop_epoch(negative_delta, slowly_improving), 3);
}

TEST(EarlyStoppingMode, AutoMaximisesAccuracyAndMinimisesLoss) {
  std::vector<double> acc{0.5, 0.6, 0.55, 0.58};
  EarlyStopping auto_acc({.monitor = "val_accuracy", .patience = 1});
  EXPECT_EQ(stop_epoch(auto_acc, acc, "val_accuracy"), 3);
  EarlyStopping forced_min({.monitor = "val_accuracy", .patience = 1, .mode = "min"});
  EXPECT_EQ(stop_epoch(forced_min, acc, "val_accuracy"), 2);
  EarlyStopping forced_max({.monitor = "val_loss", .patience = 1, .mode = "max"});
  EXPECT_EQ(stop_epoch(forced_max, {1.0, 0.9, 0.8}), 2);
  EarlyStopping auto_r2({.monitor = "val_r2", .patience = 1});
  EXPECT_EQ(stop_epoch(auto_r2, {0.1, 0.5, 0.9, 0.8}, "val_r2"), 4);
}

TEST(EarlyStoppingMode, AutoRefusesANameWithUnknownDirectionAndBadModesAreNamed) {
  try {
    EarlyStopping es({.monitor = "val_custom"});
    FAIL() << "expected an error";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("set mode to 'min' or 'max'"), std::string::npos)
        << e.what();
  }
  EXPECT_THROW(EarlyStopping({.mode = "minimum"}), std::invalid_argument);
}

TEST(EarlyStoppingBaseline, StopsWhenImprovingButNeverBeatingTheBaseline) {
  // Improvements above the baseline do not reset the wait counter (Keras 3).
  std::vector<double> above{0.9, 0.8, 0.85, 0.7};
  EarlyStopping without({.patience = 2});
  EXPECT_EQ(stop_epoch(without, above), 0);
  EarlyStopping with({.patience = 2, .baseline = 0.5});
  EXPECT_EQ(stop_epoch(with, above), 3);
}

TEST(EarlyStoppingBaseline, BeatingTheBaselineResetsTheWait) {
  EarlyStopping es({.patience = 2, .baseline = 0.5});
  EXPECT_EQ(stop_epoch(es, {0.9, 0.4, 0.45, 0.46, 0.47}), 4);
}

TEST(EarlyStoppingStartFromEpoch, EpochsBeforeItAreIgnored) {
  std::vector<double> worsening{1.0, 2.0, 3.0, 4.0, 5.0};
  EarlyStopping now;
  EXPECT_EQ(stop_epoch(now, worsening), 2);
  EarlyStopping later({.start_from_epoch = 2});
  EXPECT_EQ(stop_epoch(later, worsening), 4);
}

TEST(EarlyStoppingMonitor, WatchesTheNamedValueOnly) {
  EarlyStopping es({.monitor = "val_mae", .patience = 1});
  std::vector<train::Logs> logs{{{"val_loss", 1.0}, {"val_mae", 0.5}},
                                {{"val_loss", 2.0}, {"val_mae", 0.4}},
                                {{"val_loss", 3.0}, {"val_mae", 0.3}},
                                {{"val_loss", 0.1}, {"val_mae", 0.35}}};
  int stopped = 0;
  for (int e = 0; e < 4 && !stopped; ++e)
    if (es.observe(e, logs[e])) stopped = e + 1;
  EXPECT_EQ(stopped, 4);
}

TEST(EarlyStoppingMonitor, AnUnloggedMonitorIsAnErrorAtTheFirstEpochListingTheLoggedNames) {
  EarlyStopping es({.monitor = "val_acc"});
  try {
    es.observe(0, {{"loss", 1.0}, {"mae", 0.5}});
    FAIL() << "expected an error";
  } catch (const std::invalid_argument& e) {
    std::string m = e.what();
    EXPECT_NE(m.find("'val_acc' is not logged"), std::string::npos) << m;
    EXPECT_NE(m.find("epoch 1 logged: loss, mae"), std::string::npos) << m;
  }
}

// A real (tiny) model whose weights the test sets by hand, one value per epoch.
struct ScriptedModel {
  std::shared_ptr<nn::Sequential> model =
      nn::build_sequential({{"inputs", 1}, {"layers", {{{"type", "dense"}, {"units", 1}}}}}, 0);
  optim::SGD opt{model->parameters(), {.lr = 0.1}};
  train::Trainer trainer{*model, opt, train::make_loss("mse")};
  void set_weights(double v) {
    for (auto& p : model->parameters()) p.fill_(v);
  }
  double weight() { return model->parameters()[0].to_vector<double>()[0]; }
  // Runs the epochs (weights = epoch number) and returns the epoch (1-based) it stopped after.
  int run(EarlyStopping& es, const std::vector<double>& values) {
    es.on_train_begin(trainer);
    int stopped = 0;
    for (size_t e = 0; e < values.size() && !trainer.stop_training; ++e) {
      set_weights(static_cast<double>(e));
      es.on_epoch_end(trainer, static_cast<int>(e), {{"val_loss", values[e]}});
      if (trainer.stop_training) stopped = static_cast<int>(e) + 1;
    }
    es.on_train_end(trainer, {});
    return stopped;
  }
};

TEST(EarlyStoppingRestoreBestWeights, RestoresTheBestEpochsWeights) {
  ScriptedModel m;
  EarlyStopping es({.patience = 2, .restore_best_weights = true});
  EXPECT_EQ(m.run(es, {1.0, 0.5, 0.7, 0.8}), 4);
  EXPECT_EQ(es.best_epoch(), 1);
  EXPECT_EQ(m.weight(), 1.0);  // the weights set during epoch 2 (0-based 1)
}

TEST(EarlyStoppingRestoreBestWeights, WithoutTheOptionTheLastWeightsStay) {
  ScriptedModel m;
  EarlyStopping es({.patience = 2});
  EXPECT_EQ(m.run(es, {1.0, 0.5, 0.7, 0.8}), 4);
  EXPECT_EQ(m.weight(), 3.0);
}

TEST(EarlyStoppingRestoreBestWeights, RestoresEvenWhenNoEpochBeatsTheBaseline) {
  ScriptedModel m;
  EarlyStopping es({.patience = 2, .baseline = 0.1, .restore_best_weights = true});
  EXPECT_EQ(m.run(es, {1.0, 0.5, 0.7, 0.8}), 3);
  EXPECT_EQ(m.weight(), 1.0);
}

TEST(EarlyStoppingRestoreBestWeights, RestoresAlsoWhenTrainingRanAllEpochs) {
  ScriptedModel m;
  EarlyStopping es({.patience = 5, .restore_best_weights = true});
  EXPECT_EQ(m.run(es, {1.0, 0.2, 0.7, 0.8}), 0);
  EXPECT_EQ(m.weight(), 1.0);
}

TEST(EarlyStoppingVerbose, PrintsTheStopAndTheRestoredEpochLikeKeras) {
  ScriptedModel m;
  EarlyStopping es({.patience = 1, .verbose = 1, .restore_best_weights = true});
  ::testing::internal::CaptureStdout();
  m.run(es, {1.0, 0.5, 0.7});
  std::string out = ::testing::internal::GetCapturedStdout();
  EXPECT_NE(out.find("Epoch 3: early stopping"), std::string::npos) << out;
  EXPECT_NE(out.find("Restoring model weights from the end of the best epoch: 2."),
            std::string::npos)
      << out;
  ScriptedModel quiet_model;
  EarlyStopping quiet({.patience = 1});
  ::testing::internal::CaptureStdout();
  quiet_model.run(quiet, {1.0, 0.5, 0.7});
  EXPECT_EQ(::testing::internal::GetCapturedStdout(), "");
}

TEST(EarlyStoppingState, ARestoredCallbackStopsAtTheSameEpoch) {
  std::vector<double> values{1.0, 0.9, 0.95, 0.93, 0.94, 0.96};
  EarlyStopping whole({.patience = 3});
  int expected = stop_epoch(whole, values);
  ASSERT_EQ(expected, 5);
  EarlyStopping first({.patience = 3});
  for (int e = 0; e < 3; ++e) ASSERT_FALSE(first.observe(e, {{"val_loss", values[e]}}));
  EarlyStopping second({.patience = 3});
  second.load_state(first.state());
  int stopped = 0;
  for (int e = 3; e < 6 && !stopped; ++e)
    if (second.observe(e, {{"val_loss", values[e]}})) stopped = e + 1;
  EXPECT_EQ(stopped, expected);
  EXPECT_EQ(second.best(), 0.9);
}

}  // namespace
}  // namespace scidl::testing
