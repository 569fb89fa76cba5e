// MeanOfModels (an ensemble as one model): its output is the mean of its members', gradients
// reach every member's parameters scaled by 1/members, members giving other shapes are named,
// and model files taking other inputs are refused by file.
#include <gtest/gtest.h>

#include "../test_util.h"
#include "scidl/nn/mean_of_models.h"
#include "scidl/nn/model_spec.h"
#include "scidl/ops/ops.h"

namespace scidl::testing {
namespace {

using nlohmann::json;

nn::ModulePtr dense(int64_t in, int64_t out, uint64_t seed) {
  return nn::build_model({{"inputs", in}, {"layers", {{{"type", "dense"}, {"units", out}}}}}, seed);
}

TEST(MeanOfModels, OutputsAndGradientsAreTheMembersMeans) {
  auto a = dense(3, 2, 1), b = dense(3, 2, 2), c = dense(3, 2, 3);
  nn::MeanOfModels mean({a, b, c});
  EXPECT_EQ(mean.parameters().size(), 6u);
  const Tensor x =
      from_vector(std::vector<double>{0.5, -1, 2, 1.5, 0.25, -0.75}, {2, 3}, DType::Float32);
  const auto va = (*a)(x).to_vector<double>(), vb = (*b)(x).to_vector<double>(),
             vc = (*c)(x).to_vector<double>();
  const auto got = mean(x).to_vector<double>();
  for (size_t i = 0; i < got.size(); ++i)
    EXPECT_NEAR(got[i], (va[i] + vb[i] + vc[i]) / 3, 1e-6) << i;

  sum(mean(x)).backward();
  const auto grad_of_mean = a->parameters()[0].grad().to_vector<double>();
  auto alone = dense(3, 2, 1);
  sum((*alone)(x)).backward();
  const auto grad_alone = alone->parameters()[0].grad().to_vector<double>();
  for (size_t i = 0; i < grad_alone.size(); ++i)
    EXPECT_NEAR(grad_of_mean[i], grad_alone[i] / 3, 1e-6) << i;
}

TEST(MeanOfModels, MembersOfOtherOutputShapesAreNamed) {
  nn::MeanOfModels mean({dense(3, 2, 1), dense(3, 4, 2)});
  try {
    mean(zeros({5, 3}));
    FAIL() << "averaged outputs of two shapes";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("member 1 gives outputs of shape [5, 4], member 0 of "
                                         "shape [5, 2]"),
              std::string::npos)
        << e.what();
  }
}

TEST(MeanOfModels, ModelFilesOfOtherInputsAreRefusedByFile) {
  TempDir dir("mean_of_models");
  const json three = {{"inputs", 3}, {"layers", {{{"type", "dense"}, {"units", 2}}}}};
  const json four = {{"inputs", 4}, {"layers", {{{"type", "dense"}, {"units", 2}}}}};
  io::save_model(dir.path / "a.scidl", *nn::build_model(three, 1), three);
  io::save_model(dir.path / "b.scidl", *nn::build_model(three, 2), three);
  io::save_model(dir.path / "c.scidl", *nn::build_model(four, 3), four);
  const auto one = nn::load_mean_of_models({dir.path / "a.scidl"});
  EXPECT_EQ(one.model->describe().find("MeanOfModels"), std::string::npos);
  const auto two = nn::load_mean_of_models({dir.path / "a.scidl", dir.path / "b.scidl"});
  EXPECT_EQ(two.model->describe(), "MeanOfModels(2 members)");
  EXPECT_EQ(two.spec, three);
  try {
    nn::load_mean_of_models({dir.path / "a.scidl", dir.path / "c.scidl"});
    FAIL() << "an ensemble of models of 3 and 4 inputs";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("c.scidl' takes other inputs than"), std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace scidl::testing
