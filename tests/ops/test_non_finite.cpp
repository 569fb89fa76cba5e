// NaN and infinity through the activations as PyTorch passes them: a NaN input gives a NaN
// output, so broken data or weights reach the loss, where training stops and names the batch,
// rather than being turned into a finite number on the way.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "scidl/scidl.h"

namespace scidl::testing {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

TEST(NonFinite, ActivationsPassNaNThroughAndMapInfinitiesLikePyTorch) {
  for (DType dt : {DType::Float32, DType::Float64}) {
    const Tensor x = from_vector({NAN, -kInf, kInf, -2.0, 3.0}, {5}, dt);
    const auto relu_v = relu(x).to_vector<double>();
    EXPECT_TRUE(std::isnan(relu_v[0]));
    EXPECT_EQ(std::vector<double>(relu_v.begin() + 1, relu_v.end()),
              (std::vector<double>{0.0, kInf, 0.0, 3.0}));
    for (const Tensor& y : {leaky_relu(x, 0.1), elu(x, 1.0), sigmoid(x), tanh(x), clamp(x, -1, 1)})
      EXPECT_TRUE(std::isnan(y.to_vector<double>()[0]));
  }
}

}  // namespace
}  // namespace scidl::testing
