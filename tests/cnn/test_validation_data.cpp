// `[data] validation = "test"`: Keras's validation_data=(x_test, y_test) for Fashion-MNIST. Every
// epoch is evaluated on the 10,000 test images (not a split of the training images), the log
// carries val_ columns, the last epoch's val_accuracy is what `scidl evaluate` then measures on
// the saved model, and the two misuses (a source without a test set; a split as well) are refused
// naming the key.
#include <fmt/format.h>

#include <fstream>

#include "../test_util.h"
#include "scidl/data/fashion_mnist.h"

namespace scidl::testing {
namespace {

std::string linear_classifier(const std::string& data) {
  return R"(seed = 3
[data]
)" + data + R"(
[model]
inputs = [1, 28, 28]
layers = [ { type = "flatten" }, { type = "dense", units = 10 } ]
[optimizer]
type = "sgd"
lr = 0.1
[training]
epochs = 1
batch_size = 500
loss = "cross_entropy"
metrics = ["accuracy"]
)";
}

// The value of column `name` in the last row of a CSV log.
double last_value(const std::filesystem::path& csv, const std::string& name) {
  std::ifstream in(csv);
  std::string header, line, last;
  std::getline(in, header);
  while (std::getline(in, line))
    if (!line.empty()) last = line;
  auto split = [](const std::string& s) {
    std::vector<std::string> out;
    std::stringstream ss(s);
    for (std::string f; std::getline(ss, f, ',');) out.push_back(f);
    return out;
  };
  auto names = split(header), values = split(last);
  for (size_t i = 0; i < names.size() && i < values.size(); ++i)
    if (names[i] == name) return std::stod(values[i]);
  ADD_FAILURE() << "no column " << name << " in " << csv << ": " << header;
  return -1;
}

TEST(ValidationData, FashionMnistValidatesOnTheTestSetEveryEpoch) {
  if (!std::filesystem::exists(data::fashion_mnist_dir() / "t10k-labels-idx1-ubyte.gz"))
    GTEST_SKIP() << "dataset-fashion-mnist is not installed";
  TempDir dir("validation_test_set");
  auto cfg = dir.path / "run.toml";
  write_text(cfg, linear_classifier("source = \"fashion_mnist\"\nvalidation_split = 0\n"
                                    "validation = \"test\""));
  auto run = run_cli("train " + cfg.string() + " --out " + (dir.path / "run").string());
  ASSERT_EQ(run.status, 0) << run.output;
  EXPECT_NE(run.output.find("60000 training, 10000 validation, the test set"), std::string::npos)
      << run.output;
  const double val_accuracy = last_value(dir.path / "run" / "history.csv", "val_accuracy");
  EXPECT_GT(val_accuracy, 0.7);  // one epoch of a linear model: about 0.8

  auto eval = run_cli("evaluate --model " + (dir.path / "run" / "last.scidl").string() +
                      " --data fashion_mnist --out " + (dir.path / "eval").string());
  ASSERT_EQ(eval.status, 0) << eval.output;
  // evaluate prints the overall accuracy in percent with two decimals
  EXPECT_NE(eval.output.find(fmt::format("accuracy {:.2f}%", 100 * val_accuracy)),
            std::string::npos)
      << "val_accuracy " << val_accuracy << " vs\n"
      << eval.output;
}

TEST(ValidationData, TheTestSetNeedsASourceThatHasOneAndNoSplit) {
  TempDir dir("validation_test_set_errors");
  auto cfg = dir.path / "run.toml";
  write_text(dir.path / "x.csv", "1\n2\n");
  write_text(dir.path / "y.csv", "0\n1\n");
  write_text(cfg, linear_classifier("x = \"x.csv\"\ny = \"y.csv\"\nvalidation_split = 0\n"
                                    "validation = \"test\""));
  auto r = run_cli("train " + cfg.string() + " --out " + (dir.path / "run").string());
  EXPECT_NE(r.status, 0);
  EXPECT_NE(r.output.find("data.validation"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("has no test set"), std::string::npos) << r.output;

  write_text(cfg, linear_classifier("source = \"fashion_mnist\"\nvalidation_split = 0.1\n"
                                    "validation = \"test\""));
  r = run_cli("train " + cfg.string() + " --out " + (dir.path / "run").string());
  EXPECT_NE(r.status, 0);
  EXPECT_NE(r.output.find("replaces validation_split"), std::string::npos) << r.output;
  EXPECT_FALSE(std::filesystem::exists(dir.path / "run" / "history.csv"));
}

}  // namespace
}  // namespace scidl::testing
