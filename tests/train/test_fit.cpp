// The fit loop end to end on generated data: it learns, it is deterministic for a seed, it
// holds out whole groups, and a non-finite loss stops it with the epoch and batch named.
#include <set>

#include "../test_util.h"
#include "scidl/data/synthetic.h"
#include "scidl/nn/model_spec.h"
#include "scidl/optim/adam.h"
#include "scidl/optim/sgd.h"
#include "scidl/train/trainer.h"

namespace scidl::testing {
namespace {

nlohmann::json small_mlp() {
  return {{"inputs", 3},
          {"layers", {{{"type", "dense"}, {"units", 32}, {"activation", "tanh"}, {"repeat", 2}},
                      {{"type", "dense"}, {"units", 1}}}}};
}

TEST(Fit, LearnsDampedOscillationsOnHeldOutTrajectories) {
  auto d = data::damped_oscillator_dataset(60, 50, 3);
  auto split = data::split_by_group(d, 0.2, 3);
  auto model = nn::build_sequential(small_mlp(), 3);
  optim::Adam opt(model->parameters(), {.lr = 1e-2});
  train::Trainer trainer(*model, opt, train::make_loss("mse"), {"mae"});
  train::FitOptions o;
  o.epochs = 40;
  o.batch_size = 64;
  o.verbose = false;
  auto h = trainer.fit(split.train, &split.validation, o);
  ASSERT_EQ(h.epochs.size(), 40u);
  EXPECT_LT(h.epochs.back().at("val_loss"), 0.25 * h.epochs.front().at("val_loss"));
  EXPECT_LT(h.epochs.back().at("val_mae"), 0.12);
}

TEST(Fit, SameSeedGivesBitIdenticalWeights) {
  auto run = [] {
    manual_seed(11);
    auto d = data::damped_oscillator_dataset(20, 30, 5);
    auto model = nn::build_sequential(small_mlp(), 5);
    optim::SGD opt(model->parameters(), {.lr = 0.05, .momentum = 0.9, .nesterov = true});
    train::Trainer trainer(*model, opt, train::make_loss("mae"));
    train::FitOptions o;
    o.epochs = 3;
    o.batch_size = 16;
    o.seed = 9;
    o.verbose = false;
    trainer.fit(d, nullptr, o);
    return opt.flat_parameters().to_vector<float>();
  };
  EXPECT_EQ(run(), run());
}

TEST(Split, ByGroupHoldsOutWholeGroups) {
  auto d = data::damped_oscillator_dataset(10, 7, 1);
  auto s = data::split_by_group(d, 0.3, 2);
  auto tg = s.train.groups.to_vector<int64_t>(), vg = s.validation.groups.to_vector<int64_t>();
  std::set<int64_t> train_ids(tg.begin(), tg.end()), val_ids(vg.begin(), vg.end());
  EXPECT_EQ(val_ids.size(), 3u);
  for (int64_t g : val_ids) EXPECT_FALSE(train_ids.count(g)) << "group " << g << " on both sides";
  EXPECT_EQ(vg.size(), 21u);
  EXPECT_EQ(s.train.size() + s.validation.size(), d.size());
}

TEST(Split, ByRowTakesTheFraction) {
  auto d = data::damped_oscillator_dataset(10, 10, 1);
  auto s = data::split_by_row(d, 0.25, 4);
  EXPECT_EQ(s.validation.size(), 25);
  EXPECT_EQ(s.train.size(), 75);
}

TEST(Fit, NonFiniteLossStopsBeforeTheWeightsChangeAndNamesEpochAndBatch) {
  auto d = data::damped_oscillator_dataset(4, 10, 1);
  // Poison one target row: the batch holding it gives a NaN loss.
  auto y = d.y.to_vector<float>();
  y[25] = NAN;
  d.y = from_vector(y, d.y.shape());
  auto model = nn::build_sequential(small_mlp(), 1);
  optim::SGD opt(model->parameters(), {.lr = 0.01});
  train::Trainer trainer(*model, opt, train::make_loss("mse"));
  train::FitOptions o;
  o.epochs = 2;
  o.batch_size = 10;
  o.shuffle = false;
  o.verbose = false;
  std::vector<float> before;
  struct Snapshot : train::Callback {
    std::vector<float>* out;
    optim::Optimizer* opt;
    void on_batch_end(train::Trainer&, int64_t, const train::Logs&) override {
      *out = opt->flat_parameters().to_vector<float>();
    }
  } snap;
  snap.out = &before;
  snap.opt = &opt;
  try {
    trainer.fit(d, nullptr, o, {&snap});
    FAIL() << "expected NonFiniteLossError";
  } catch (const train::NonFiniteLossError& e) {
    EXPECT_EQ(e.epoch, 0);
    EXPECT_EQ(e.batch, 2);  // rows 20..29
    EXPECT_NE(std::string(e.what()).find("epoch 1, batch 3"), std::string::npos) << e.what();
  }
  EXPECT_EQ(opt.flat_parameters().to_vector<float>(), before);
}

// A non-finite validation loss would make every later comparison false (no best model, no early
// stop): fit stops at that epoch's end and says so, the epoch left out of the history.
TEST(Fit, NonFiniteValidationLossStopsAndNamesTheEpoch) {
  auto d = data::damped_oscillator_dataset(4, 10, 1);
  data::Dataset val = d;
  val.x = d.x * NAN;
  auto model = nn::build_sequential(small_mlp(), 1);
  optim::SGD opt(model->parameters(), {.lr = 0.01});
  train::Trainer trainer(*model, opt, train::make_loss("mse"));
  train::FitOptions o;
  o.epochs = 3;
  o.verbose = false;
  try {
    trainer.fit(d, &val, o);
    FAIL() << "expected an error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("the validation loss became nan at epoch 1"),
              std::string::npos)
        << e.what();
  }
  EXPECT_TRUE(trainer.history().epochs.empty());
}

}  // namespace
}  // namespace scidl::testing
