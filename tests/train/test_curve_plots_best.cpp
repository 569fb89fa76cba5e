// The curves a run leaves mark their best epoch the way EarlyStopping's mode "auto" decides it:
// the lowest validation loss (the training loss without validation), the highest accuracy.
#include <fstream>

#include "../test_util.h"
#include "scidl/train/run_outputs.h"

namespace scidl::testing {
namespace {

std::string read_text(const std::filesystem::path& p) {
  std::ifstream in(p);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

train::History five_epochs(bool with_validation) {
  const double val_loss[] = {0.9, 0.5, 0.0123, 0.2, 0.3};
  const double val_accuracy[] = {0.5, 0.8, 0.7, 0.9, 0.85};
  train::History h;
  for (int e = 0; e < 5; ++e) {
    train::Logs logs{{"loss", 1.0 / (e + 1)}, {"accuracy", 0.5 + 0.05 * e}, {"lr", 0.01}};
    if (with_validation) logs["val_loss"] = val_loss[e], logs["val_accuracy"] = val_accuracy[e];
    h.epochs.push_back(logs);
  }
  return h;
}

TEST(CurvePlotsBest, MarksTheLowestValidationLossAndTheHighestAccuracy) {
  TempDir dir("best_marked");
  train::write_curve_plots(dir.path, five_epochs(true));
  EXPECT_NE(read_text(dir.path / "plots" / "loss.svg").find(">best: epoch 3, 0.0123</text>"),
            std::string::npos);
  EXPECT_NE(read_text(dir.path / "plots" / "accuracy.svg").find(">best: epoch 4, 0.9</text>"),
            std::string::npos);
}

TEST(CurvePlotsBest, WithoutValidationTheTrainingValueIsMarked) {
  TempDir dir("best_training");
  train::write_curve_plots(dir.path, five_epochs(false));
  EXPECT_NE(read_text(dir.path / "plots" / "loss.svg").find(">best: epoch 5, 0.2</text>"),
            std::string::npos);
}

TEST(CurvePlotsBest, BestEpochSkipsMissingAndNonFiniteValues) {
  train::History h;
  h.epochs = {{{"loss", NAN}}, {{"loss", 0.3}}, {{"other", 1}}, {{"loss", 0.3}}, {{"loss", 0.1}}};
  EXPECT_EQ(train::best_epoch(h, "loss", false), 4u);
  EXPECT_EQ(train::best_epoch(h, "loss", true), 1u);  // the first of equals
  EXPECT_FALSE(train::best_epoch(h, "val_loss", false).has_value());
}

}  // namespace
}  // namespace scidl::testing
