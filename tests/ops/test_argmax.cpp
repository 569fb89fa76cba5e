// argmax: the index of the largest value along a dimension, as torch.argmax gives it (the first
// of tied maxima), on contiguous tensors and on views.
#include <gtest/gtest.h>

#include "scidl/scidl.h"

namespace scidl::testing {
namespace {

TEST(Argmax, IndexOfTheFirstLargestValueAlongADimension) {
  // [[1, 5, 5], [7, 0, 7]]: ties resolve to the first index
  const Tensor x = from_vector({1.0, 5.0, 5.0, 7.0, 0.0, 7.0}, {2, 3}, DType::Float64);
  Tensor rows = argmax(x, 1);
  EXPECT_EQ(rows.dtype(), DType::Int64);
  EXPECT_EQ(rows.shape(), (Shape{2}));
  EXPECT_EQ(rows.to_vector<int64_t>(), (std::vector<int64_t>{1, 0}));
  EXPECT_EQ(argmax(x, 0).to_vector<int64_t>(), (std::vector<int64_t>{1, 0, 1}));
  EXPECT_EQ(argmax(x, -1, true).shape(), (Shape{2, 1}));
  // a transposed view: argmax along its dim 0 is the original's along dim 1
  EXPECT_EQ(argmax(transpose(x, 0, 1), 0).to_vector<int64_t>(), (std::vector<int64_t>{1, 0}));
  // float32, a middle dimension of a rank-3 tensor
  const Tensor y = from_vector({0.0, 9.0, 2.0, 3.0, 4.0, 1.0, 8.0, 0.5}, {2, 2, 2}, DType::Float32);
  EXPECT_EQ(argmax(y, 1).to_vector<int64_t>(), (std::vector<int64_t>{1, 0, 1, 0}));
}

}  // namespace
}  // namespace scidl::testing
