// Real Fashion-MNIST training runs from the example configs (minutes to an hour; ctest -L slow).
// The configs' [model], [optimizer], [training] and [data] augment/validation entries are read
// here directly, so these runs do not depend on the run-config plumbing for image data.
//   SCIDL_FMNIST_CONFIG=best.toml   which example (default keras_baseline.toml)
//   SCIDL_FMNIST_EPOCHS=2           fewer epochs for a quick look (the target is then not checked)
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>

#include "scidl/data/augment.h"
#include "scidl/data/fashion_mnist.h"
#include "scidl/io/config_reader.h"
#include "scidl/nn/model_spec.h"
#include "scidl/optim/factory.h"
#include "scidl/scidl.h"
#include "scidl/train/losses.h"
#include "scidl/train/trainer.h"

namespace scidl::testing {
namespace {

struct Example {
  nlohmann::json model;
  optim::OptimizerSpec optimizer;
  int epochs = 15;
  int64_t batch_size = 32;
  double validation_split = 0;
  std::optional<nlohmann::json> augment;
};

Example read_example(const std::filesystem::path& path) {
  auto doc = io::parse_config_file(path);
  auto root = doc.root();
  Example e;
  auto model = root.section("model");
  for (const char* k : {"inputs", "layers", "init", "dtype"})
    if (auto j = model->json(k)) e.model[k] = *j;
  auto o = root.section("optimizer");
  e.optimizer.type = o->string("type").value_or("sgd");
  e.optimizer.lr = o->number("lr").value_or(0.01);
  e.optimizer.momentum = o->number("momentum").value_or(0);
  e.optimizer.nesterov = o->boolean("nesterov").value_or(false);
  auto t = root.section("training");
  e.epochs = static_cast<int>(t->integer("epochs").value_or(15));
  e.batch_size = t->integer("batch_size").value_or(32);
  auto d = root.section("data");
  e.validation_split = d->number("validation_split").value_or(0);
  e.augment = d->json("augment");
  return e;
}

TEST(FashionMnistSlow, ExampleConfigReachesItsTestAccuracy) {
  if (!std::filesystem::exists(data::fashion_mnist_dir() / "train-images-idx3-ubyte.gz"))
    GTEST_SKIP() << "dataset-fashion-mnist is not installed";
  const char* name = std::getenv("SCIDL_FMNIST_CONFIG");
  const std::string config = name ? name : "keras_baseline.toml";
  Example e = read_example(std::filesystem::path(SCIDL_TEST_DATA) / "../../examples/fashion_mnist" /
                           config);
  const char* epochs = std::getenv("SCIDL_FMNIST_EPOCHS");
  const bool full = epochs == nullptr;
  if (epochs) e.epochs = std::atoi(epochs);

  manual_seed(1);
  data::Dataset train = data::load_fashion_mnist("train");
  data::Dataset test = data::load_fashion_mnist("test");
  data::Split split{train, {}};
  if (e.validation_split > 0) split = data::split_by_row(train, e.validation_split, 1);
  if (e.augment)
    split.train.augment = data::Augmenter(data::parse_augment_options(*e.augment, "augment"), 1);
  auto model = nn::build_sequential(e.model, 1);
  auto optimizer = optim::make_optimizer(e.optimizer, model->parameters());
  train::Trainer trainer(*model, *optimizer, train::make_loss("cross_entropy"), {"accuracy"});
  train::FitOptions fo;
  fo.epochs = e.epochs;
  fo.batch_size = e.batch_size;
  fo.seed = 1;
  auto t0 = std::chrono::steady_clock::now();
  trainer.fit(split.train, e.validation_split > 0 ? &split.validation : nullptr, fo);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  auto logs = trainer.evaluate(test);
  std::printf("%s: %d epochs in %.1f s (%.1f s/epoch), test accuracy %.2f%%\n", config.c_str(),
              e.epochs, seconds, seconds / e.epochs, 100 * logs.at("accuracy"));
  if (full) EXPECT_GE(logs.at("accuracy"), config == "best.toml" ? 0.945 : 0.928);
}

}  // namespace
}  // namespace scidl::testing
