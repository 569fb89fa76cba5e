// Convolution and pooling values against plain loops, the layers' shapes and names, and model
// specs with image layers (the op harness checks their gradients).
#include <gtest/gtest.h>

#include <cmath>

#include "scidl/nn/conv.h"
#include "scidl/nn/model_spec.h"
#include "scidl/nn/pool.h"
#include "scidl/ops/conv.h"
#include "scidl/ops/pool.h"
#include "scidl/scidl.h"

namespace scidl::testing {
namespace {

// Direct convolution: zero padding of (top, left) and the output size from `out`.
std::vector<double> naive_conv(const Tensor& x, const Tensor& w, const Tensor& b, int64_t oh_n,
                               int64_t ow_n, int64_t sh, int64_t sw, int64_t pt, int64_t pl,
                               int64_t dh, int64_t dw) {
  auto xv = x.to_vector<double>(), wv = w.to_vector<double>(), bv = b.to_vector<double>();
  const int64_t n = x.shape()[0], c = x.shape()[1], h = x.shape()[2], wd = x.shape()[3];
  const int64_t co = w.shape()[0], kh = w.shape()[2], kw = w.shape()[3];
  std::vector<double> y;
  for (int64_t i = 0; i < n; ++i)
    for (int64_t o = 0; o < co; ++o)
      for (int64_t oh = 0; oh < oh_n; ++oh)
        for (int64_t ow = 0; ow < ow_n; ++ow) {
          double acc = bv[o];
          for (int64_t ci = 0; ci < c; ++ci)
            for (int64_t a = 0; a < kh; ++a)
              for (int64_t bb = 0; bb < kw; ++bb) {
                int64_t ih = oh * sh - pt + a * dh, iw = ow * sw - pl + bb * dw;
                if (ih < 0 || iw < 0 || ih >= h || iw >= wd) continue;
                acc +=
                    xv[((i * c + ci) * h + ih) * wd + iw] * wv[((o * c + ci) * kh + a) * kw + bb];
              }
          y.push_back(acc);
        }
  return y;
}

void expect_values(const Tensor& t, const std::vector<double>& expected, double tol) {
  auto v = t.to_vector<double>();
  ASSERT_EQ(v.size(), expected.size());
  for (size_t i = 0; i < v.size(); ++i) ASSERT_NEAR(v[i], expected[i], tol) << "element " << i;
}

TEST(Conv2d, MatchesDirectConvolutionForEveryPaddingStrideAndDilation) {
  Generator gen(1);
  Tensor x = uniform({3, 2, 9, 8}, -1, 1, DType::Float64, gen);
  Tensor w = uniform({4, 2, 3, 2}, -1, 1, DType::Float64, gen);
  Tensor b = uniform({4}, -1, 1, DType::Float64, gen);
  // valid: 7x7
  expect_values(conv2d(x, w, b), naive_conv(x, w, b, 7, 7, 1, 1, 0, 0, 1, 1), 1e-12);
  // same with stride 2: ceil(9/2)=5, ceil(8/2)=4; total pad rows (5-1)*2+3-9=2 -> top 1,
  // cols (4-1)*2+2-8=0 -> left 0
  Tensor y = conv2d(x, w, b, {{2, 2}, Padding2d::same(), {1, 1}});
  EXPECT_EQ(y.shape(), (Shape{3, 4, 5, 4}));
  expect_values(y, naive_conv(x, w, b, 5, 4, 2, 2, 1, 0, 1, 1), 1e-12);
  // same, stride 1, dilation 2: reach 5x3 -> pads top 2, left 1
  y = conv2d(x, w, b, {{1, 1}, Padding2d::same(), {2, 2}});
  EXPECT_EQ(y.shape(), (Shape{3, 4, 9, 8}));
  expect_values(y, naive_conv(x, w, b, 9, 8, 1, 1, 2, 1, 2, 2), 1e-12);
  // explicit padding, stride (3, 2)
  y = conv2d(x, w, b, {{3, 2}, Padding2d::symmetric(1, 2), {1, 1}});
  EXPECT_EQ(y.shape(), (Shape{3, 4, 3, 6}));
  expect_values(y, naive_conv(x, w, b, 3, 6, 3, 2, 1, 2, 1, 1), 1e-12);
}

// Big enough that the batch is split over threads; one image alone runs on threaded BLAS.
TEST(Conv2d, ThreadedBatchAgreesWithImagesOneByOneForwardAndBackward) {
  Generator gen(3);
  Tensor x = uniform({4, 8, 12, 12}, -1, 1, DType::Float64, gen).requires_grad_();
  Tensor w = uniform({16, 8, 3, 3}, -1, 1, DType::Float64, gen).requires_grad_();
  Tensor b = uniform({16}, -1, 1, DType::Float64, gen).requires_grad_();
  Conv2dOptions o{{1, 1}, Padding2d::same(), {1, 1}};
  Tensor seed = uniform({4, 16, 12, 12}, -1, 1, DType::Float64, gen);
  Tensor y = conv2d(x, w, b, o);
  auto g = autograd::grad({y}, {x, w, b}, {seed});
  std::vector<double> gw(w.numel(), 0.0), gb(16, 0.0);
  for (int64_t i = 0; i < 4; ++i) {
    Tensor xi = slice(x, 0, i, i + 1).detach().requires_grad_();
    Tensor yi = conv2d(xi, w, b, o);
    auto expected = y.detach().to_vector<double>();
    auto got = yi.to_vector<double>();
    for (size_t k = 0; k < got.size(); ++k)
      ASSERT_NEAR(expected[i * got.size() + k], got[k], 1e-12);
    auto gi = autograd::grad({yi}, {xi, w, b}, {slice(seed, 0, i, i + 1).contiguous()});
    auto gx_all = g[0].to_vector<double>(), gx_i = gi[0].to_vector<double>();
    for (size_t k = 0; k < gx_i.size(); ++k)
      ASSERT_NEAR(gx_all[i * gx_i.size() + k], gx_i[k], 1e-12);
    auto gwi = gi[1].to_vector<double>(), gbi = gi[2].to_vector<double>();
    for (size_t k = 0; k < gw.size(); ++k) gw[k] += gwi[k];
    for (size_t k = 0; k < gb.size(); ++k) gb[k] += gbi[k];
  }
  expect_values(g[1], gw, 1e-10);
  expect_values(g[2], gb, 1e-10);
}

TEST(Conv2d, FusedReluEqualsConvolutionThenRelu) {
  Generator gen(2);
  Tensor x = uniform({2, 3, 6, 6}, -1, 1, DType::Float32, gen);
  Tensor w = uniform({5, 3, 3, 3}, -1, 1, DType::Float32, gen);
  Tensor b = uniform({5}, -1, 1, DType::Float32, gen);
  expect_values(conv2d(x, w, b, {}, Activation::Relu), relu(conv2d(x, w, b)).to_vector<double>(),
                1e-6);
}

TEST(Conv2d, TooSmallInputNamesTheSizes) {
  Tensor x = zeros({1, 1, 2, 5});
  Tensor w = zeros({1, 1, 3, 3});
  try {
    conv2d(x, w, Tensor());
    FAIL() << "expected an error";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("height is 2"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("spans 3"), std::string::npos) << e.what();
  }
}

TEST(Pooling, MaxAndAverageOfEachWindow) {
  Tensor x = from_vector(std::vector<double>{1, 2, 3, 4, 5,   //
                                             6, 7, 8, 9, 10,  //
                                             11, 12, 13, 14, 15},
                         {1, 1, 3, 5}, DType::Float64);
  expect_values(max_pool2d(x), {7, 9}, 0);  // valid drops the last row and column
  expect_values(avg_pool2d(x), {4, 6}, 1e-12);
  Tensor same = max_pool2d(x, {{2, 2}, {2, 2}, Padding2d::same()});
  EXPECT_EQ(same.shape(), (Shape{1, 1, 2, 3}));
  expect_values(same, {7, 9, 10, 12, 14, 15}, 0);
  // "same" average counts only the positions inside the input
  expect_values(avg_pool2d(x, {{2, 2}, {2, 2}, Padding2d::same()}), {4, 6, 7.5, 11.5, 13.5, 15},
                1e-12);
  expect_values(global_avg_pool2d(x), {8}, 1e-12);
}

// 2x2 pooling's fast path (AVX-512 intrinsics for float32, a vectorised loop otherwise): with
// many ties (small integers), rows wider than one vector and odd widths, each output is the first
// largest of its window in reading order, and the gradient lands on that pixel, as a plain scan
// of the window says, for float32 and float64.
TEST(Pooling, VectorisedMaxPoolPicksTheFirstLargestOfEachWindow) {
  Generator gen(11);
  for (int64_t width : {4, 9, 32, 45, 70}) {
    const int64_t planes = 6, height = 7, out_h = height / 2, out_w = width / 2;
    std::vector<double> v(static_cast<size_t>(planes * height * width));
    for (double& e : v) e = static_cast<double>(gen.next_u64() % 3);
    std::vector<double> max_of(static_cast<size_t>(planes * out_h * out_w));
    std::vector<int64_t> winner(max_of.size());
    for (int64_t p = 0; p < planes; ++p)
      for (int64_t oh = 0; oh < out_h; ++oh)
        for (int64_t ow = 0; ow < out_w; ++ow) {
          const size_t o = static_cast<size_t>((p * out_h + oh) * out_w + ow);
          winner[o] = -1;
          for (int64_t r = 2 * oh; r < 2 * oh + 2; ++r)
            for (int64_t c = 2 * ow; c < 2 * ow + 2; ++c) {
              const int64_t at = (p * height + r) * width + c;
              if (winner[o] < 0 || v[size_t(at)] > max_of[o])
                max_of[o] = v[size_t(at)], winner[o] = at;
            }
        }
    for (DType dtype : {DType::Float32, DType::Float64}) {
      Tensor x = from_vector(v, {2, 3, height, width}).to(dtype);
      x.requires_grad_();
      Tensor y = max_pool2d(x);
      EXPECT_EQ(y.to_vector<double>(), max_of) << "width " << width;
      Tensor seed = uniform(y.shape(), -1, 1, DType::Float64, gen);
      const auto g = autograd::grad({y}, {x}, {seed.to(dtype)})[0].to_vector<double>();
      const auto s = seed.to(dtype).to_vector<double>();
      std::vector<double> expected(v.size(), 0.0);
      for (size_t o = 0; o < winner.size(); ++o) expected[size_t(winner[o])] = s[o];
      EXPECT_EQ(g, expected) << "width " << width << ", " << dtype_name(dtype);
    }
  }
}

TEST(Dropout2d, DropsWholeChannelsAndScalesTheRest) {
  Tensor x = ones({4, 8, 3, 3});
  nn::Dropout2d drop(0.5, 3);
  auto v = drop(x).to_vector<double>();
  int dropped = 0;
  for (int64_t ch = 0; ch < 32; ++ch) {
    double first = v[ch * 9];
    for (int k = 0; k < 9; ++k) ASSERT_EQ(v[ch * 9 + k], first);
    EXPECT_TRUE(first == 0 || first == 2);
    dropped += first == 0;
  }
  EXPECT_GT(dropped, 4);
  EXPECT_LT(dropped, 28);
  drop.eval();
  EXPECT_EQ(drop(x).to_vector<double>(), x.to_vector<double>());
}

nlohmann::json keras_baseline() {
  return nlohmann::json::parse(R"({"inputs": [1, 28, 28], "layers": [
      {"type": "conv2d", "filters": 32, "kernel_size": 3, "activation": "relu"},
      {"type": "conv2d", "filters": 64, "kernel_size": [3, 3], "activation": "relu"},
      {"type": "maxpool2d", "pool_size": 2}, {"type": "dropout", "rate": 0.25},
      {"type": "flatten"}, {"type": "dense", "units": 128, "activation": "relu"},
      {"type": "dropout", "rate": 0.5}, {"type": "dense", "units": 10}]})");
}

TEST(ModelSpec, KerasBaselineHasKerasParameterCountAndPyTorchNames) {
  auto model = nn::build_sequential(keras_baseline(), 0);
  EXPECT_EQ(model->parameter_count(), 1199882);  // Keras's model.summary() for this network
  auto state = model->state_dict();
  EXPECT_EQ(state.at("0.weight").shape(), (Shape{32, 1, 3, 3}));
  EXPECT_EQ(state.at("2.weight").shape(), (Shape{64, 32, 3, 3}));
  EXPECT_EQ(state.at("7.weight").shape(), (Shape{128, 9216}));
  EXPECT_EQ(state.at("10.weight").shape(), (Shape{10, 128}));
  NoGradGuard ng;
  model->eval();
  EXPECT_EQ((*model)(zeros({2, 1, 28, 28})).shape(), (Shape{2, 10}));
}

TEST(ModelSpec, TracksShapesThroughSamePaddingStridesAndGlobalPooling) {
  auto spec = nlohmann::json::parse(R"({"inputs": [3, 17, 17], "layers": [
      {"type": "conv2d", "filters": 8, "kernel_size": 3, "padding": "same", "strides": 2},
      {"type": "avgpool2d", "pool_size": 3, "strides": 1, "padding": "same"},
      {"type": "dropout2d", "rate": 0.1},
      {"type": "conv2d", "filters": 6, "kernel_size": 1},
      {"type": "global_avg_pool"}, {"type": "dense", "units": 2}]})");
  auto model = nn::build_sequential(spec, 0);
  NoGradGuard ng;
  EXPECT_EQ((*model)(zeros({1, 3, 17, 17})).shape(), (Shape{1, 2}));
}

TEST(ModelSpec, DenseOnImagesAsksForFlatten) {
  auto spec = nlohmann::json::parse(R"({"inputs": [1, 8, 8], "layers": [
      {"type": "conv2d", "filters": 4, "kernel_size": 3}, {"type": "dense", "units": 2}]})");
  try {
    nn::build_sequential(spec, 0);
    FAIL() << "expected an error";
  } catch (const std::invalid_argument& e) {
    std::string m = e.what();
    EXPECT_NE(m.find("layers[1]"), std::string::npos) << m;
    EXPECT_NE(m.find("[4, 6, 6]"), std::string::npos) << m;
    EXPECT_NE(m.find("flatten"), std::string::npos) << m;
  }
}

TEST(ModelSpec, ImageShapeTheModelDoesNotTakeIsNamed) {
  try {
    nn::check_input_shape(keras_baseline(), {100, 1, 32, 32}, "cifar.idx");
    FAIL() << "expected an error";
  } catch (const std::invalid_argument& e) {
    std::string m = e.what();
    EXPECT_NE(m.find("cifar.idx"), std::string::npos) << m;
    EXPECT_NE(m.find("[1, 28, 28]"), std::string::npos) << m;
    EXPECT_NE(m.find("[1, 32, 32]"), std::string::npos) << m;
  }
  EXPECT_NO_THROW(nn::check_input_shape(keras_baseline(), {5, 1, 28, 28}, "ok"));
}

TEST(ModelSpec, PoolLargerThanTheImageNamesTheLayer) {
  auto spec = nlohmann::json::parse(R"({"inputs": [1, 4, 4], "layers": [
      {"type": "conv2d", "filters": 2, "kernel_size": 3},
      {"type": "maxpool2d", "pool_size": 3}]})");
  try {
    nn::build_sequential(spec, 0);
    FAIL() << "expected an error";
  } catch (const std::invalid_argument& e) {
    std::string m = e.what();
    EXPECT_NE(m.find("layers[1]"), std::string::npos) << m;
    EXPECT_NE(m.find("[2, 2, 2]"), std::string::npos) << m;
  }
}

}  // namespace
}  // namespace scidl::testing
