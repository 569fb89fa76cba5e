// float32 dense layers run through scidl's own fused AVX-512 kernels (backend/cpu/
// dense_kernels.h) when the build has them. These tests run linear() and dense_chain() forward
// and backward both ways in one process (fused kernels, then BLAS + elementwise passes) on
// shapes that exercise every edge of the kernels: tiles with fewer rows, panels with fewer
// columns, batches that span several row groups and take both threads, one input or one
// output, an empty batch; chains with and without biases, ReLUs and input gradients.
#include <gtest/gtest.h>
#include <omp.h>

#include <cmath>

#include "../test_util.h"
#include "scidl/autograd/node.h"
#include "scidl/backend/backend.h"
#include "scidl/backend/cpu/dense_kernels.h"
#include "scidl/nn/activation.h"
#include "scidl/nn/linear.h"
#include "scidl/nn/sequential.h"
#include "scidl/scidl.h"

namespace scidl::testing {
namespace {

namespace dense = backend::cpu::dense;

struct Case {
  const char* name;
  int64_t rows, in, out;
};

struct Result {
  Tensor y, gx, gw, gb;
};

Result run_linear(const Tensor& x0, const Tensor& w0, const Tensor& b0, const Tensor& gy,
                  Activation act, bool with_bias) {
  Tensor x = x0.detach().requires_grad_(true), w = w0.detach().requires_grad_(true);
  Tensor b = with_bias ? b0.detach().requires_grad_(true) : Tensor();
  Tensor y = linear(x, w, b, act);
  y.backward(gy);
  return {y.detach(), x.grad(), w.grad(), with_bias ? b.grad() : Tensor()};
}

// A parameterised test that turns the kernels back on after it, whatever it switched.
template <typename Param>
class KernelsBackOnAfter : public ::testing::TestWithParam<Param> {
 protected:
  void TearDown() override { dense::set_enabled(true); }
};

using DenseKernels = KernelsBackOnAfter<Case>;

TEST_P(DenseKernels, AgreeWithBlasForwardAndBackward) {
  const Case& c = GetParam();
  Generator gen(11);
  Tensor x = uniform({c.rows, c.in}, -1, 1, DType::Float32, gen);
  // Roughly half the pre-activations negative, so the ReLU masks both ways.
  Tensor w = uniform({c.out, c.in}, -1, 1, DType::Float32, gen);
  Tensor b = uniform({c.out}, -1, 1, DType::Float32, gen);
  Tensor gy = uniform({c.rows, c.out}, -1, 1, DType::Float32, gen);
  for (Activation act : {Activation::None, Activation::Relu, Activation::Tanh})
    for (bool with_bias : {true, false}) {
      const std::string what = std::string(c.name) +
                               (act == Activation::Relu   ? " relu"
                                : act == Activation::Tanh ? " tanh"
                                                          : " identity") +
                               (with_bias ? " bias" : " no-bias");
      // tanh: pre-activations O(1) (weights / sqrt(in)), so the outputs are not saturated
      // and the comparison's scale is that of the products, as for the other activations
      const double to_unit = 1.0 / std::sqrt(double(std::max<int64_t>(c.in, 1)));
      const Tensor wa = act == Activation::Tanh ? w * to_unit : w;
      dense::set_enabled(true);
      Result fused = run_linear(x, wa, b, gy, act, with_bias);
      dense::set_enabled(false);
      Result composed = run_linear(x, wa, b, gy, act, with_bias);
      expect_close(fused.y, composed.y, what + ": y");
      expect_close(fused.gx, composed.gx, what + ": dx");
      expect_close(fused.gw, composed.gw, what + ": dW");
      expect_close(fused.gb, composed.gb, what + ": db");
    }
}

INSTANTIATE_TEST_SUITE_P(
    Shapes, DenseKernels,
    ::testing::Values(
        Case{"three_body_hidden_b5000", 5000, 128, 128},  // both threads
        Case{"three_body_first_layer", 5000, 3, 128}, Case{"three_body_last_layer", 5000, 128, 4},
        Case{"batch64", 64, 128, 128},            // one thread
        Case{"ragged_everything", 389, 130, 70},  // tails in rows, K and columns
        Case{"narrow", 77, 37, 19}, Case{"one_input", 21, 1, 33}, Case{"one_output", 16, 5, 1},
        // the wide kernels (weight past 128 K floats, at most 256 rows): the
        // lecture CNN's classifier, and tails in rows, panels and output units
        Case{"lecture_cnn_wide", 32, 9216, 128}, Case{"wide", 32, 1200, 130},
        Case{"wide_ragged", 19, 1301, 101}, Case{"wide_batch256", 256, 700, 190},
        // these go to BLAS (too few rows, too many): the dispatch must hold up
        Case{"one_row", 1, 5, 1}, Case{"wide_tall", 300, 1200, 130}, Case{"empty_batch", 0, 8, 3}),
    [](const auto& info) { return std::string(info.param.name); });

struct ChainCase {
  const char* name;
  int64_t rows;
  std::vector<int64_t> widths;  // input width, then each layer's output
  bool biases, last_relu, input_grad;
  Activation hidden = Activation::Relu;  // of every layer but the last
};

using DenseChain = KernelsBackOnAfter<ChainCase>;

TEST_P(DenseChain, AgreesWithComposedLinearLayers) {
  const ChainCase& c = GetParam();
  Generator gen(5);
  Tensor x0 = uniform({c.rows, c.widths[0]}, -1, 1, DType::Float32, gen);
  std::vector<Tensor> w0, b0;
  std::vector<Activation> acts;
  for (size_t l = 0; l + 1 < c.widths.size(); ++l) {
    const double bound = 1.5 / std::sqrt(double(c.widths[l]));  // keeps activations O(1)
    w0.push_back(uniform({c.widths[l + 1], c.widths[l]}, -bound, bound, DType::Float32, gen));
    b0.push_back(c.biases ? uniform({c.widths[l + 1]}, -0.5, 0.5, DType::Float32, gen) : Tensor());
    acts.push_back(l + 2 < c.widths.size() ? c.hidden
                   : c.last_relu           ? Activation::Relu
                                           : Activation::None);
  }
  Tensor gy = uniform({c.rows, c.widths.back()}, -1, 1, DType::Float32, gen);
  struct Grads {
    Tensor y, gx;
    std::vector<Tensor> gw, gb;
  };
  auto run = [&](bool fused) {
    dense::set_enabled(fused);
    Tensor x = x0.detach().requires_grad_(c.input_grad);
    std::vector<Tensor> w, b;
    for (size_t l = 0; l < w0.size(); ++l) {
      w.push_back(w0[l].detach().requires_grad_(l != 1));  // layer 1 frozen: no dW wanted
      b.push_back(b0[l].defined() ? b0[l].detach().requires_grad_(true) : Tensor());
    }
    Tensor y = dense_chain(x, w, b, acts);
    {  // another pass in between: the backward must not rely on the forward's scratch buffers
      NoGradGuard no_grad;
      dense_chain(mul(x0, scalar_tensor(-0.5)), w0, b0, acts);
    }
    y.backward(gy);
    Grads g{y.detach(), c.input_grad ? x.grad() : Tensor(), {}, {}};
    for (size_t l = 0; l < w.size(); ++l) {
      g.gw.push_back(w[l].grad());
      g.gb.push_back(b[l].defined() ? b[l].grad() : Tensor());
    }
    return g;
  };
  const Grads fused = run(true), composed = run(false);
  auto compare = [&](const Grads& got, const std::string& what) {
    expect_close(got.y, composed.y, what + ": y");
    expect_close(got.gx, composed.gx, what + ": dx");
    for (size_t l = 0; l < w0.size(); ++l) {
      const std::string layer = what + ": layer " + std::to_string(l);
      expect_close(got.gw[l], composed.gw[l], layer + " dW");
      expect_close(got.gb[l], composed.gb[l], layer + " db");
    }
  };
  compare(fused, c.name);
  // Called from inside a parallel region (trials run side by side): the chain gets a team of
  // one there, and must neither wait at a barrier nobody else reaches nor read another
  // thread's slice of the weight gradients.
  Grads nested[2];
#pragma omp parallel num_threads(2)
  nested[omp_get_thread_num()] = run(true);
  for (const Grads& g : nested)
    if (g.y.defined()) compare(g, std::string(c.name) + " (nested)");
}

INSTANTIATE_TEST_SUITE_P(
    Chains, DenseChain,
    ::testing::Values(
        ChainCase{"three_body_b5000", 5000, {3, 128, 128, 128, 128, 4}, true, false, false},
        ChainCase{"three_body_b64", 64, {3, 128, 128, 4}, true, false, true},
        ChainCase{"ragged_no_bias_last_relu", 389, {7, 70, 33, 130, 19}, false, true, true},
        ChainCase{"two_layers_few_rows", 17, {5, 9, 2}, true, false, true},
        // tanh hidden layers (smooth surrogates), both threads
        ChainCase{"tanh_b5000", 5000, {3, 128, 128, 4}, true, false, true, Activation::Tanh},
        ChainCase{"tanh_ragged", 389, {7, 70, 33}, false, false, true, Activation::Tanh},
        // short batches, whose layers' units the threads split (dense_by_units.h)
        ChainCase{"units_ragged_no_bias_last_relu", 50, {7, 70, 33, 130, 19}, false, true, true},
        ChainCase{"units_tanh", 40, {7, 70, 33}, true, false, true, Activation::Tanh}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(DenseChainPath, SequentialRunsLinearReluStacksAsOneNode) {
  if (!dense::enabled()) GTEST_SKIP() << kernels_off("dense");
  nn::Sequential model;
  model.push_back(std::make_shared<nn::Linear>(3, 32));
  model.push_back(std::make_shared<nn::ReLU>());
  model.push_back(std::make_shared<nn::Linear>(32, 32));
  model.push_back(std::make_shared<nn::ReLU>());
  model.push_back(std::make_shared<nn::Linear>(32, 4));
  Tensor y = model(uniform({64, 3}, -1, 1));
  ASSERT_TRUE(y.grad_fn() != nullptr);
  EXPECT_EQ(std::string(y.grad_fn()->name()), "dense_chain");
  // A wrong input still gets the first layer's own message.
  try {
    model(zeros({8, 5}));
    FAIL() << "expected an error";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("Linear(3 -> 32)"), std::string::npos) << e.what();
  }
}

// A NaN in the input must come out as NaN through the fused ReLU, as through PyTorch's: a ReLU
// that turned it into 0 would hide broken data or weights behind a finite loss.
TEST(DenseKernelsPath, ReluPassesNaNThroughOnEveryPath) {
  auto& be = backend::backend_for(kCPU);
  // the tall chain's kernel, the short-wide one, and BLAS + the elementwise ReLU
  for (const Case c : {Case{"tall", 64, 128, 128}, Case{"wide", 32, 9216, 128}}) {
    for (bool fused : {true, false}) {
      dense::set_enabled(fused);
      Tensor x = uniform({c.rows, c.in}, -1, 1), w = uniform({c.out, c.in}, -1, 1);
      x.data<float>()[3] = NAN;  // row 0 only
      Tensor y = empty({c.rows, c.out});
      if (!be.dense_forward(x, {{w, Tensor(), Activation::Relu}}, {y}))
        y = linear(x, w, Tensor(), Activation::Relu);
      const auto v = y.to_vector<double>();
      const std::string what = std::string(c.name) + (fused ? " (kernels)" : " (BLAS)");
      for (int64_t o = 0; o < c.out; ++o) ASSERT_TRUE(std::isnan(v[o])) << what << ", output " << o;
      for (size_t i = size_t(c.out); i < v.size(); ++i) ASSERT_TRUE(std::isfinite(v[i])) << what;
    }
  }
  dense::set_enabled(true);
}

TEST(DenseKernelsPath, BackendTakesTallNarrowAndShortWideFloat32LayersAndLeavesTheRestToBlas) {
  dense::set_enabled(true);
  auto& be = backend::backend_for(kCPU);
  auto takes = [&](int64_t rows, int64_t in, int64_t out, DType dt) {
    Tensor x = ones({rows, in}, dt), w = ones({out, in}, dt), b = ones({out}, dt);
    Tensor y = empty({rows, out}, dt);
    const bool taken = be.dense_forward(x, {{w, b, Activation::Relu}}, {y});
    if (taken) {
      EXPECT_EQ(y.to_vector<double>(), std::vector<double>(size_t(rows * out), in + 1.0));
    }
    return taken;
  };
  EXPECT_TRUE(takes(5000, 128, 128, DType::Float32));  // the three-body network
  EXPECT_TRUE(takes(64, 128, 128, DType::Float32));
  EXPECT_FALSE(takes(64, 128, 128, DType::Float64));    // gradient checks: BLAS
  EXPECT_TRUE(takes(32, 9216, 128, DType::Float32));    // the lecture CNN's wide layer
  EXPECT_FALSE(takes(300, 9216, 128, DType::Float32));  // wide and tall: BLAS
  EXPECT_FALSE(takes(4, 128, 128, DType::Float32));     // a few rows
  dense::set_enabled(false);
  EXPECT_FALSE(takes(64, 128, 128, DType::Float32));
  dense::set_enabled(true);
}

}  // namespace
}  // namespace scidl::testing
