// TensorBoard itself reads what the TensorBoard callback writes for the GRAPHS and IMAGES tabs:
// a short fit of a small image classifier, then tools/check_tensorboard_events.py loads the run
// with TensorBoard's EventAccumulator. Needs a Python with the tensorboard package (SCIDL_PYTHON,
// else python3; `pip install tensorboard`); skipped, naming the missing module, without one.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <cstdlib>

#include "../test_util.h"
#include "scidl/nn/model_spec.h"
#include "scidl/ops/random_ops.h"
#include "scidl/optim/sgd.h"
#include "scidl/train/callbacks/tensorboard.h"
#include "scidl/train/trainer.h"

namespace {

namespace fs = std::filesystem;
using namespace scidl;
const fs::path kRepo = fs::path(SCIDL_TEST_DATA) / ".." / "..";

scidl::testing::CommandResult run(const std::string& command) {
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  scidl::testing::CommandResult r{-1, ""};
  if (!pipe) return r;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, pipe)) > 0) r.output.append(buf, n);
  const int status = pclose(pipe);
  r.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

std::string python() {
  const char* chosen = std::getenv("SCIDL_PYTHON");
  return chosen && *chosen ? chosen : "python3";
}

TEST(TensorBoardReference, TensorBoardLoadsTheGraphAndTheValidationExamples) {
  if (run(python() + " -c 'import tensorboard'").status != 0)
    GTEST_SKIP() << "no module named 'tensorboard' in " << python()
                 << " (pip install tensorboard, or set SCIDL_PYTHON to a Python that has it)";
  scidl::testing::TempDir dir("tensorboard_reference");
  auto model = nn::build_sequential(nlohmann::json::parse(R"({"inputs": [1, 8, 8],
    "layers": [{"type": "conv2d", "filters": 2, "kernel_size": 3, "activation": "relu"},
               {"type": "flatten"}, {"type": "dense", "units": 3}]})"),
                                    3);
  std::vector<double> labels{0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2};
  data::Dataset train, val;
  train.x = rand({12, 1, 8, 8});
  train.y = from_vector(labels, {12}, DType::Int64);
  val.x = rand({6, 1, 8, 8});
  val.y = from_vector(std::vector<double>(labels.begin(), labels.begin() + 6), {6}, DType::Int64);
  optim::SGD opt{model->parameters(), {.lr = 0.05}};
  train::Trainer trainer{*model, opt, train::make_loss("cross_entropy"), {"accuracy"}};
  train::TensorBoardOptions o;
  o.log_dir = dir.path / "tb";
  o.write_images = true;
  train::TensorBoard cb(o);
  trainer.fit(train, &val, {.epochs = 2, .batch_size = 4, .verbose = false}, {&cb});

  const auto check =
      run(fmt::format("{} {} {}", python(), (kRepo / "tools/check_tensorboard_events.py").string(),
                      o.log_dir.string()));
  ASSERT_EQ(check.status, 0) << check.output;
  EXPECT_NE(check.output.find("train: graph nodes 5"), std::string::npos) << check.output;
  EXPECT_NE(check.output.find("op Conv2d inputs ['x'] output_shapes [[-1, 2, 6, 6]]"),
            std::string::npos)
      << check.output;
  EXPECT_NE(check.output.find("validation: images validation_examples steps [1]"),
            std::string::npos)
      << check.output;
}

}  // namespace
