// The three-body example configs stay valid runs of the paper's network: every key parses, the
// model is 3 -> 10 x Dense(128, ReLU) -> 4 with its 149,636 parameters, MAE loss, validation on
// whole held-out runs.
#include <gtest/gtest.h>

#include "scidl/io/config_reader.h"
#include "scidl/nn/model_spec.h"
#include "scidl/scidl.h"
#include "scidl/train/run_config.h"

namespace scidl::testing {
namespace {

std::filesystem::path example(const std::string& name) {
  return std::filesystem::path(SCIDL_TEST_DATA) / "../../examples/three_body" / name;
}

class ThreeBodyExamples : public ::testing::TestWithParam<const char*> {};

TEST_P(ThreeBodyExamples, ParseAndBuildThePapersNetwork) {
  auto doc = io::parse_config_file(example(GetParam()));
  const train::RunConfig config = train::parse_run_config(doc, example("").parent_path());
  EXPECT_EQ(nn::build_sequential(config.model, 0)->parameter_count(), 149636);
  EXPECT_EQ(config.training.loss, "mae");
  EXPECT_EQ(config.data.split, "group");
  EXPECT_DOUBLE_EQ(config.data.validation_split, 0.01);
}

INSTANTIATE_TEST_SUITE_P(Configs, ThreeBodyExamples,
                         ::testing::Values("breen2020.toml", "breen2020_budget.toml"),
                         [](const auto& info) {
                           std::string n = info.param;
                           return n.substr(0, n.find('.'));
                         });

}  // namespace
}  // namespace scidl::testing
