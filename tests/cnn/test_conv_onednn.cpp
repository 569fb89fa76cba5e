// float32 convolutions run through oneDNN when scidl is built with it; these tests run every pass
// both ways in one process (oneDNN, then scidl's im2col + BLAS) and require the same numbers, and
// check that oneDNN really takes the lecture CNN's layers rather than silently falling back.
#include <gtest/gtest.h>

#include <cmath>

#include "scidl/backend/backend.h"
#include "scidl/backend/cpu/conv_onednn.h"
#include "scidl/scidl.h"

namespace scidl::testing {
namespace {

namespace onednn = backend::cpu::onednn;

struct Case {
  const char* name;
  int64_t batch, c_in, height, width, c_out;
  backend::Conv2dGeometry g;
};

int64_t out_size(int64_t in, int64_t k, int64_t s, int64_t pad_total, int64_t d) {
  return (in + pad_total - ((k - 1) * d + 1)) / s + 1;
}

struct Passes {
  Tensor y, y_relu, gx, gw, gb;
};

Passes run_all(const Case& c, const Tensor& x, const Tensor& w, const Tensor& b,
               const Tensor& gy, int64_t oh, int64_t ow) {
  auto& be = backend::backend_of(x);
  Passes p;
  p.y = empty({c.batch, c.c_out, oh, ow});
  p.y_relu = empty({c.batch, c.c_out, oh, ow});
  p.gx = empty(x.shape());
  p.gw = empty(w.shape());
  p.gb = empty(b.shape());
  be.conv2d(x, w, b, p.y, c.g, false);
  be.conv2d(x, w, Tensor(), p.y_relu, c.g, true);
  be.conv2d_backward_input(gy, w, p.gx, c.g);
  be.conv2d_backward_weight(gy, x, p.gw, p.gb, c.g);
  return p;
}

void expect_close(const Tensor& a, const Tensor& b, const char* what, const char* name) {
  auto u = a.to_vector<double>(), v = b.to_vector<double>();
  ASSERT_EQ(u.size(), v.size());
  double scale = 1e-30;
  for (double e : v) scale = std::max(scale, std::abs(e));
  for (size_t i = 0; i < u.size(); ++i)
    ASSERT_NEAR(u[i], v[i], 2e-5 * scale) << name << " " << what << ", element " << i;
}

class OneDnnConv : public ::testing::TestWithParam<Case> {
 protected:
  void TearDown() override { onednn::set_enabled(true); }
};

TEST_P(OneDnnConv, AgreesWithIm2colForEveryPass) {
  const Case& c = GetParam();
  const auto& g = c.g;
  // Bottom/right padding as "same" would give: whatever makes the output the stated size.
  const int64_t oh = out_size(c.height, g.kernel_h, g.stride_h, 2 * g.pad_top, g.dilation_h);
  const int64_t ow = out_size(c.width, g.kernel_w, g.stride_w, 2 * g.pad_left, g.dilation_w);
  Generator gen(7);
  Tensor x = uniform({c.batch, c.c_in, c.height, c.width}, -1, 1, DType::Float32, gen);
  Tensor w = uniform({c.c_out, c.c_in, g.kernel_h, g.kernel_w}, -1, 1, DType::Float32, gen);
  Tensor b = uniform({c.c_out}, -1, 1, DType::Float32, gen);
  Tensor gy = uniform({c.batch, c.c_out, oh, ow}, -1, 1, DType::Float32, gen);

  onednn::set_enabled(true);
  Passes with = run_all(c, x, w, b, gy, oh, ow);
  onednn::set_enabled(false);
  Passes without = run_all(c, x, w, b, gy, oh, ow);
  expect_close(with.y, without.y, "forward", c.name);
  expect_close(with.y_relu, without.y_relu, "forward + relu", c.name);
  expect_close(with.gx, without.gx, "backward data", c.name);
  expect_close(with.gw, without.gw, "backward weights", c.name);
  expect_close(with.gb, without.gb, "bias gradient", c.name);
}

INSTANTIATE_TEST_SUITE_P(
    Geometries, OneDnnConv,
    ::testing::Values(Case{"baseline_conv1", 4, 1, 28, 28, 32, {3, 3, 1, 1, 0, 0, 1, 1}},
                      Case{"baseline_conv2", 3, 32, 26, 26, 64, {3, 3, 1, 1, 0, 0, 1, 1}},
                      Case{"same_padding", 2, 5, 9, 8, 7, {3, 3, 1, 1, 1, 1, 1, 1}},
                      Case{"stride2_dilation2", 2, 3, 11, 10, 4, {3, 2, 2, 2, 1, 0, 2, 2}},
                      Case{"pointwise", 2, 6, 5, 5, 3, {1, 1, 1, 1, 0, 0, 1, 1}},
                      Case{"stride2_floor", 1, 2, 8, 9, 3, {3, 3, 2, 2, 0, 0, 1, 1}}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(OneDnnConv, TakesTheLectureCnnLayers) {
  if (!onednn::compiled_in()) GTEST_SKIP() << "scidl built without oneDNN (libdnnl-dev)";
  onednn::set_enabled(true);
  const onednn::ConvDims conv2{32, 32, 26, 26, 64, 24, 24, {3, 3, 1, 1, 0, 0, 1, 1}};
  Generator gen(1);
  Tensor x = uniform({32, 32, 26, 26}, -1, 1, DType::Float32, gen);
  Tensor w = uniform({64, 32, 3, 3}, -1, 1, DType::Float32, gen);
  Tensor b = uniform({64}, -1, 1, DType::Float32, gen);
  Tensor y = empty({32, 64, 24, 24}), gx = empty(x.shape()), gw = empty(w.shape());
  Tensor gb = empty(b.shape());
  EXPECT_TRUE(onednn::conv2d_forward(conv2, x.data<float>(), w.data<float>(), b.data<float>(),
                                     y.data<float>(), true));
  EXPECT_TRUE(onednn::conv2d_backward_data(conv2, y.data<float>(), w.data<float>(),
                                           gx.data<float>()));
  EXPECT_TRUE(onednn::conv2d_backward_weights(conv2, y.data<float>(), x.data<float>(),
                                              gw.data<float>(), gb.data<float>()));
}

}  // namespace
}  // namespace scidl::testing
