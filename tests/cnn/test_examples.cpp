// The Fashion-MNIST example configs stay valid: their models build for 28x28 images and their
// augmentation tables parse.
#include <gtest/gtest.h>

#include "scidl/data/augment.h"
#include "scidl/io/config_reader.h"
#include "scidl/nn/model_spec.h"
#include "scidl/scidl.h"

namespace scidl::testing {
namespace {

nlohmann::json model_of(io::ConfigDocument& doc) {
  auto model = doc.root().section("model");
  nlohmann::json spec;
  for (const char* k : {"inputs", "layers", "init", "dtype"})
    if (auto j = model->json(k)) spec[k] = *j;
  return spec;
}

std::filesystem::path example(const std::string& name) {
  return std::filesystem::path(SCIDL_TEST_DATA) / "../../examples/fashion_mnist" / name;
}

TEST(FashionMnistExamples, KerasBaselineIsTheLectureModel) {
  auto doc = io::parse_config_file(example("keras_baseline.toml"));
  auto model = nn::build_sequential(model_of(doc), 0);
  EXPECT_EQ(model->parameter_count(), 1199882);
  auto training = doc.root().section("training");
  EXPECT_EQ(training->integer("epochs"), 15);
  EXPECT_EQ(training->integer("batch_size"), 32);
  EXPECT_EQ(doc.root().section("optimizer")->number("momentum"), 0.9);
}

TEST(FashionMnistExamples, BestRecipeBuildsAndItsAugmentationParses) {
  auto doc = io::parse_config_file(example("best.toml"));
  auto model = nn::build_sequential(model_of(doc), 0);
  NoGradGuard ng;
  model->eval();
  EXPECT_EQ((*model)(zeros({2, 1, 28, 28})).shape(), (Shape{2, 10}));
  auto augment = doc.root().section("data")->json("augment");
  ASSERT_TRUE(augment.has_value());
  auto o = data::parse_augment_options(*augment, "data.augment");
  EXPECT_EQ(o.flip, 0.5);
  EXPECT_EQ(o.pad_crop, 2);
  EXPECT_THROW(data::parse_augment_options(nlohmann::json{{"flop", 1}}, "data.augment"),
               std::invalid_argument);
}

}  // namespace
}  // namespace scidl::testing
