// Keras's Normalization(invert=True): learnt from the targets, it maps standardised outputs back
// to the targets' units; a model of class labels is refused.
#include <gtest/gtest.h>

#include "scidl/nn/model_spec.h"
#include "scidl/nn/normalization.h"
#include "scidl/ops/ops.h"

namespace scidl {
namespace {

nn::ModulePtr inverted(int64_t width) {
  return nn::build_model(
      {{"inputs", width}, {"layers", {{{"type", "normalization"}, {"invert", true}}}}}, 0);
}

TEST(NormalizationInvert, LearnsTheTargetsAndMapsBackToTheirUnits) {
  auto model = inverted(2);
  // Targets: column 0 mean 10, population deviation 2; column 1 mean -3, deviation 0.5.
  const Tensor y = from_vector(std::vector<double>{8, -3.5, 12, -2.5, 8, -3.5, 12, -2.5}, {4, 2},
                               DType::Float32);
  nn::adapt_normalization(*model, [&](const nn::BatchVisitor& visit) {
    visit(TensorDict{{"x", zeros({4, 2})}, {"y", slice(y, 0, 0, 2)}});
    visit(TensorDict{{"x", zeros({4, 2})}, {"y", slice(y, 0, 2, 4)}});
  });
  const auto out = (*model)(from_vector(std::vector<double>{0, 0, 1, -2}, {2, 2}, DType::Float32))
                       .to_vector<double>();
  EXPECT_NEAR(out[0], 10, 1e-5);
  EXPECT_NEAR(out[1], -3, 1e-5);
  EXPECT_NEAR(out[2], 12, 1e-5);
  EXPECT_NEAR(out[3], -4, 1e-5);
}

TEST(NormalizationInvert, ClassLabelsAreRefusedNamingTheLayer) {
  auto model = inverted(1);
  try {
    nn::adapt_normalization(*model, [&](const nn::BatchVisitor& visit) {
      visit(TensorDict{{"x", zeros({2, 1})}, {"y", from_vector(std::vector<int64_t>{0, 1}, {2})}});
    });
    FAIL() << "adapted an inverted normalization on class labels";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("real-valued targets"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("Normalization(1, invert)"), std::string::npos);
  }
}

}  // namespace
}  // namespace scidl
