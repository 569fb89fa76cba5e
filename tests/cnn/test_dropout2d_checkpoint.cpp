// A training checkpoint saves Dropout2d's generator like Dropout's, so resumed CNN runs draw the
// same channel masks as uninterrupted ones.
#include "../test_util.h"
#include "scidl/nn/pool.h"
#include "scidl/optim/sgd.h"
#include "scidl/train/checkpoint.h"

namespace scidl::testing {
namespace {

TEST(Dropout2dCheckpoint, RestoredGeneratorDrawsTheSameMask) {
  TempDir dir("dropout2d_ckpt");
  auto make = [] {
    auto m = std::make_shared<nn::Sequential>();
    m->push_back(std::make_shared<nn::Dropout2d>(0.5, 7));
    return m;
  };
  Tensor w = ones({1}).requires_grad_();  // the optimizer needs a parameter to own
  auto model = make();
  optim::SGD opt({w}, {});
  train::Trainer trainer(*model, opt, train::make_loss("mse"));
  Tensor x = ones({2, 8, 3, 3});
  (*model)(x);  // advance the generator past its seed
  train::save_training_checkpoint(dir.path / "ckpt.scidl", trainer, {}, nlohmann::json::object());
  auto expected = (*model)(x).to_vector<float>();

  auto other = make();
  Tensor w2 = ones({1}).requires_grad_();
  optim::SGD opt2({w2}, {});
  train::Trainer trainer2(*other, opt2, train::make_loss("mse"));
  train::restore_training_checkpoint(dir.path / "ckpt.scidl", trainer2, {});
  EXPECT_EQ((*other)(x).to_vector<float>(), expected);
}

}  // namespace
}  // namespace scidl::testing
