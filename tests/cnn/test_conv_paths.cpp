// float32 convolutions run through Winograd F(2x2, 3x3) (3x3, stride 1, 16+ channels), scidl's
// own direct kernels (stride 1) or oneDNN when built with it, else im2col + BLAS. These tests run
// every pass each way in one process and require the same numbers as im2col, and check that the
// fast paths really take the lecture CNN's layers rather than silently falling back.
#include <gtest/gtest.h>
#include <omp.h>

#include <cmath>

#include "../test_util.h"
#include "scidl/backend/backend.h"
#include "scidl/backend/cpu/conv_kernels.h"
#include "scidl/backend/cpu/conv_onednn.h"
#include "scidl/backend/cpu/conv_winograd.h"
#include "scidl/scidl.h"

namespace scidl::testing {
namespace {

namespace onednn = backend::cpu::onednn;
namespace conv_kernels = backend::cpu::conv_kernels;
namespace conv_winograd = backend::cpu::conv_winograd;

// Which implementation the CPU backend may use: the others are switched off (a convolution the
// chosen path does not take runs through im2col).
enum class Path { Im2col, OneDnn, Kernels, Winograd };
const char* path_name(Path p) {
  switch (p) {
    case Path::Im2col:
      return "im2col";
    case Path::OneDnn:
      return "oneDNN";
    case Path::Kernels:
      return "kernels";
    case Path::Winograd:
      return "winograd";
  }
  return "?";
}
void use(Path p) {
  onednn::set_enabled(p == Path::OneDnn);
  conv_kernels::set_enabled(p == Path::Kernels);
  conv_winograd::set_enabled(p == Path::Winograd);
}

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

Passes run_all(const Case& c, const Tensor& x, const Tensor& w, const Tensor& b, const Tensor& gy,
               int64_t oh, int64_t ow) {
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

class ConvPaths : public ::testing::TestWithParam<Case> {
 protected:
  void TearDown() override {
    onednn::set_enabled(true);
    conv_kernels::set_enabled(true);
    conv_winograd::set_enabled(true);
  }
};

TEST_P(ConvPaths, OneDnnOurKernelsAndWinogradAgreeWithIm2colForEveryPass) {
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

  use(Path::Im2col);
  const Passes reference = run_all(c, x, w, b, gy, oh, ow);
  for (Path path : {Path::OneDnn, Path::Kernels, Path::Winograd}) {
    use(path);
    const Passes p = run_all(c, x, w, b, gy, oh, ow);
    const std::string name = std::string(c.name) + " (" + path_name(path) + ")";
    expect_close(p.y, reference.y, "forward", name.c_str());
    expect_close(p.y_relu, reference.y_relu, "forward + relu", name.c_str());
    expect_close(p.gx, reference.gx, "backward data", name.c_str());
    expect_close(p.gw, reference.gw, "backward weights", name.c_str());
    expect_close(p.gb, reference.gb, "bias gradient", name.c_str());
  }
}

INSTANTIATE_TEST_SUITE_P(
    Geometries, ConvPaths,
    ::testing::Values(Case{"baseline_conv1", 4, 1, 28, 28, 32, {3, 3, 1, 1, 0, 0, 1, 1}},
                      Case{"baseline_conv2", 3, 32, 26, 26, 64, {3, 3, 1, 1, 0, 0, 1, 1}},
                      Case{"same_padding", 2, 5, 9, 8, 7, {3, 3, 1, 1, 1, 1, 1, 1}},
                      // our kernels' tails: channels past one 64-wide panel and not a multiple
                      // of 8 or 16, taps not a multiple of 6, one image (one thread), an odd
                      // batch, a 5x1 kernel with padding on top only, a one-pixel output
                      Case{"wide_odd_channels", 3, 3, 7, 11, 81, {3, 3, 1, 1, 1, 1, 1, 1}},
                      Case{"one_image_many_inputs", 1, 70, 6, 5, 9, {2, 2, 1, 1, 0, 0, 1, 1}},
                      Case{"tall_kernel", 5, 2, 9, 4, 16, {5, 1, 1, 1, 2, 0, 1, 1}},
                      Case{"one_pixel_output", 2, 4, 3, 3, 5, {3, 3, 1, 1, 0, 0, 1, 1}},
                      Case{"stride2_dilation2", 2, 3, 11, 10, 4, {3, 2, 2, 2, 1, 0, 2, 2}},
                      Case{"pointwise", 2, 6, 5, 5, 3, {1, 1, 1, 1, 0, 0, 1, 1}},
                      Case{"stride2_floor", 1, 2, 8, 9, 3, {3, 3, 2, 2, 0, 0, 1, 1}},
                      // Winograd's: odd output sizes (a last half-empty tile row and column),
                      // channels not a multiple of 16, the best recipe's 14x14 blocks, more
                      // outputs than one 64-wide panel, one image
                      Case{"winograd_odd", 3, 17, 13, 11, 20, {3, 3, 1, 1, 1, 1, 1, 1}},
                      Case{"winograd_same_14x14", 2, 64, 14, 14, 64, {3, 3, 1, 1, 1, 1, 1, 1}},
                      Case{"winograd_one_image", 1, 16, 7, 9, 81, {3, 3, 1, 1, 0, 0, 1, 1}}),
    [](const auto& info) { return std::string(info.param.name); });

// A NaN pixel comes out of every path's fused ReLU as NaN where its receptive field reaches
// (Winograd's transforms may spread it further within a tile), as in PyTorch; other images stay
// finite.
TEST(ConvPathsNaN, FusedReluPassesNaNThroughOnEveryPath) {
  const backend::Conv2dGeometry g{3, 3, 1, 1, 0, 0, 1, 1};
  Generator gen(3);
  Tensor x = uniform({2, 16, 9, 9}, -1, 1, DType::Float32, gen);
  Tensor w = uniform({32, 16, 3, 3}, -1, 1, DType::Float32, gen);
  x.data<float>()[5 * 9 + 5] = NAN;  // image 0, channel 0, (5, 5)
  for (Path path : {Path::Im2col, Path::OneDnn, Path::Kernels, Path::Winograd}) {
    use(path);
    Tensor y = empty({2, 32, 7, 7});
    backend::backend_of(x).conv2d(x, w, Tensor(), y, g, true);
    const auto v = y.to_vector<double>();
    for (int64_t c = 0; c < 32; ++c)  // output (4, 4) covers inputs (4..6, 4..6)
      EXPECT_TRUE(std::isnan(v[size_t(c * 49 + 4 * 7 + 4)]))
          << path_name(path) << ", channel " << c;
    for (size_t i = 32 * 49; i < v.size(); ++i)
      ASSERT_TRUE(std::isfinite(v[i])) << path_name(path) << ", image 1, element " << i;
  }
  use(Path::Winograd);
  onednn::set_enabled(true);
  conv_kernels::set_enabled(true);
}

// gy masked by relu_y > 0 inside the kernels equals the kernels on gy * (relu_y > 0).
TEST(ConvKernels, FusedReluGradientEqualsMaskingFirst) {
  conv_kernels::set_enabled(true);
  const backend::Conv2dDims d{3, 4, 9, 8, 6, 9, 8, {3, 3, 1, 1, 1, 1, 1, 1}};
  ASSERT_TRUE(conv_kernels::suits(d));
  Generator gen(3);
  Tensor x = uniform({3, 4, 9, 8}, -1, 1, DType::Float32, gen);
  Tensor w = uniform({6, 4, 3, 3}, -1, 1, DType::Float32, gen);
  Tensor gy = uniform({3, 6, 9, 8}, -1, 1, DType::Float32, gen);
  Tensor y = uniform({3, 6, 9, 8}, -1, 1, DType::Float32, gen);  // half of it "ReLU'd away"
  Tensor masked = where(gt(y, zeros_like(y)), gy, zeros_like(gy));
  Tensor gx1 = empty(x.shape()), gx2 = empty(x.shape()), gw1 = empty(w.shape()),
         gw2 = empty(w.shape()), gb1 = empty({6}), gb2 = empty({6});
  conv_kernels::backward_data(d, gy.data<float>(), y.data<float>(), w.data<float>(),
                              gx1.data<float>());
  conv_kernels::backward_data(d, masked.data<float>(), nullptr, w.data<float>(), gx2.data<float>());
  conv_kernels::backward_weights(d, gy.data<float>(), y.data<float>(), x.data<float>(),
                                 gw1.data<float>(), gb1.data<float>());
  conv_kernels::backward_weights(d, masked.data<float>(), nullptr, x.data<float>(),
                                 gw2.data<float>(), gb2.data<float>());
  expect_close(gx1, gx2, "backward data", "fused relu");
  expect_close(gw1, gw2, "backward weights", "fused relu");
  expect_close(gb1, gb2, "bias gradient", "fused relu");
  // both passes in one sweep, as conv2d + ReLU's backward runs them
  Tensor gx3 = empty(x.shape()), gw3 = empty(w.shape()), gb3 = empty({6});
  conv_kernels::backward_both(d, gy.data<float>(), y.data<float>(), x.data<float>(),
                              w.data<float>(), gx3.data<float>(), gw3.data<float>(),
                              gb3.data<float>());
  expect_close(gx3, gx2, "backward data", "both passes");
  expect_close(gw3, gw2, "backward weights", "both passes");
  expect_close(gb3, gb2, "bias gradient", "both passes");
}

// The same for Winograd's one backward entry point, and gx, or gw with gb, alone.
TEST(ConvWinograd, FusedReluGradientEqualsMaskingFirst) {
  conv_winograd::set_enabled(true);
  const backend::Conv2dDims d{3, 16, 9, 7, 24, 9, 7, {3, 3, 1, 1, 1, 1, 1, 1}};
  ASSERT_TRUE(conv_winograd::suits(d));
  Generator gen(5);
  Tensor x = uniform({3, 16, 9, 7}, -1, 1, DType::Float32, gen);
  Tensor w = uniform({24, 16, 3, 3}, -1, 1, DType::Float32, gen);
  Tensor gy = uniform({3, 24, 9, 7}, -1, 1, DType::Float32, gen);
  Tensor y = uniform({3, 24, 9, 7}, -1, 1, DType::Float32, gen);
  Tensor masked = where(gt(y, zeros_like(y)), gy, zeros_like(gy));
  Tensor gx1 = empty(x.shape()), gx2 = empty(x.shape()), gw1 = empty(w.shape()),
         gw2 = empty(w.shape()), gb1 = empty({24}), gb2 = empty({24});
  conv_winograd::backward(d, gy.data<float>(), y.data<float>(), x.data<float>(), w.data<float>(),
                          gx1.data<float>(), gw1.data<float>(), gb1.data<float>());
  conv_winograd::backward(d, masked.data<float>(), nullptr, nullptr, w.data<float>(),
                          gx2.data<float>(), nullptr, nullptr);
  conv_winograd::backward(d, masked.data<float>(), nullptr, x.data<float>(), nullptr, nullptr,
                          gw2.data<float>(), gb2.data<float>());
  expect_close(gx1, gx2, "backward data", "winograd fused relu");
  expect_close(gw1, gw2, "backward weights", "winograd fused relu");
  expect_close(gb1, gb2, "bias gradient", "winograd fused relu");
}

// Called from inside a parallel region (nested: a team of one), the backward passes must give
// what they give from outside, where the batch is split between threads.
TEST(ConvKernels, BackwardInsideAParallelRegionEqualsOutside) {
  const backend::Conv2dDims d{4, 16, 8, 8, 16, 6, 6, {3, 3, 1, 1, 0, 0, 1, 1}};
  Generator gen(4);
  Tensor x = uniform({4, 16, 8, 8}, -1, 1, DType::Float32, gen);
  Tensor w = uniform({16, 16, 3, 3}, -1, 1, DType::Float32, gen);
  Tensor gy = uniform({4, 16, 6, 6}, -1, 1, DType::Float32, gen);
  for (bool winograd : {true, false}) {
    auto run = [&](Tensor& gx, Tensor& gw, Tensor& gb) {
      gx = empty(x.shape()), gw = empty(w.shape()), gb = empty({16});
      if (winograd)
        conv_winograd::backward(d, gy.data<float>(), nullptr, x.data<float>(), w.data<float>(),
                                gx.data<float>(), gw.data<float>(), gb.data<float>());
      else
        conv_kernels::backward_both(d, gy.data<float>(), nullptr, x.data<float>(), w.data<float>(),
                                    gx.data<float>(), gw.data<float>(), gb.data<float>());
    };
    Tensor gx, gw, gb, gx_in[2], gw_in[2], gb_in[2];
    run(gx, gw, gb);
#pragma omp parallel num_threads(2)
    {
      const int t = omp_get_thread_num();
      run(gx_in[t], gw_in[t], gb_in[t]);
    }
    for (int t = 0; t < 2; ++t) {
      if (!gx_in[t].defined()) continue;  // a team of one
      const char* name = winograd ? "winograd nested" : "kernels nested";
      expect_close(gx_in[t], gx, "backward data", name);
      expect_close(gw_in[t], gw, "backward weights", name);
      expect_close(gb_in[t], gb, "bias gradient", name);
    }
  }
}

// The same for im2col + BLAS (float64: what gradient checks run), through the backend.
TEST(ConvIm2col, WeightGradientInsideAParallelRegionEqualsOutside) {
  const backend::Conv2dGeometry g{3, 3, 1, 1, 0, 0, 1, 1};
  Generator gen(6);
  Tensor x = uniform({4, 3, 12, 12}, -1, 1, DType::Float64, gen);
  Tensor gy = uniform({4, 8, 10, 10}, -1, 1, DType::Float64, gen);
  auto& be = backend::backend_of(x);
  auto run = [&](Tensor& gw, Tensor& gb) {
    gw = empty({8, 3, 3, 3}, DType::Float64), gb = empty({8}, DType::Float64);
    be.conv2d_backward_weight(gy, x, gw, gb, g);
  };
  Tensor gw, gb, gw_in[2], gb_in[2];
  run(gw, gb);
#pragma omp parallel num_threads(2)
  run(gw_in[omp_get_thread_num()], gb_in[omp_get_thread_num()]);
  for (int t = 0; t < 2; ++t) {
    if (!gw_in[t].defined()) continue;
    expect_close(gw_in[t], gw, "backward weights", "im2col nested");
    expect_close(gb_in[t], gb, "bias gradient", "im2col nested");
  }
}

TEST(ConvWinograd, TakesTheLectureCnnSecondLayerNotTheFirst) {
  conv_winograd::set_enabled(true);
  EXPECT_TRUE(conv_winograd::suits({32, 32, 26, 26, 64, 24, 24, {3, 3, 1, 1, 0, 0, 1, 1}}));
  EXPECT_TRUE(conv_winograd::suits({32, 32, 14, 14, 64, 14, 14, {3, 3, 1, 1, 1, 1, 1, 1}}));
  EXPECT_FALSE(conv_winograd::suits({32, 1, 28, 28, 32, 26, 26, {3, 3, 1, 1, 0, 0, 1, 1}}));
  EXPECT_FALSE(conv_winograd::suits({2, 16, 11, 10, 16, 5, 5, {3, 3, 2, 2, 1, 1, 1, 1}}));
  EXPECT_FALSE(conv_winograd::suits({2, 16, 11, 10, 16, 7, 6, {5, 5, 1, 1, 0, 0, 1, 1}}));
  conv_winograd::set_enabled(false);
  EXPECT_FALSE(conv_winograd::suits({32, 32, 26, 26, 64, 24, 24, {3, 3, 1, 1, 0, 0, 1, 1}}));
  conv_winograd::set_enabled(true);
}

TEST(ConvKernels, TakeTheLectureCnnLayersAndLeaveStridedOnes) {
  conv_kernels::set_enabled(true);
  EXPECT_TRUE(conv_kernels::suits({32, 1, 28, 28, 32, 26, 26, {3, 3, 1, 1, 0, 0, 1, 1}}));
  EXPECT_TRUE(conv_kernels::suits({32, 32, 26, 26, 64, 24, 24, {3, 3, 1, 1, 0, 0, 1, 1}}));
  EXPECT_FALSE(conv_kernels::suits({2, 3, 11, 10, 4, 5, 5, {3, 2, 2, 2, 1, 0, 2, 2}}));
  conv_kernels::set_enabled(false);
  EXPECT_FALSE(conv_kernels::suits({32, 1, 28, 28, 32, 26, 26, {3, 3, 1, 1, 0, 0, 1, 1}}));
  conv_kernels::set_enabled(true);
}

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
  EXPECT_TRUE(
      onednn::conv2d_backward_data(conv2, y.data<float>(), w.data<float>(), gx.data<float>()));
  EXPECT_TRUE(onednn::conv2d_backward_weights(conv2, y.data<float>(), x.data<float>(),
                                              gw.data<float>(), gb.data<float>()));
}

}  // namespace
}  // namespace scidl::testing
