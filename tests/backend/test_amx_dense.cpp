// The dense layers' products on the AMX tile unit (backend/cpu/amx_bf16.h): float32 operands
// split into three bfloat16s and multiplied as six tile products. The GEMM is held to float32's
// own error bound against a float64 reference (an error of bfloat16's size, or a dropped
// product, fails it), and whole chains on tiles agree with the same chains on the FMA kernels,
// forward and backward, fused with their loss or not. Skipped where the CPU or the OS does not
// offer the tiles.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "../test_util.h"
#include "scidl/backend/cpu/amx_bf16.h"
#include "scidl/backend/cpu/dense_kernels.h"
#include "scidl/nn/activation.h"
#include "scidl/nn/linear.h"
#include "scidl/nn/sequential.h"
#include "scidl/scidl.h"

namespace scidl::testing {
namespace {

namespace amx = backend::cpu::amx;
namespace dense = backend::cpu::dense;

struct GemmCase {
  const char* name;
  int64_t M, N, K;
  bool accumulate, relu, bias;
};

class AmxGemm : public ::testing::TestWithParam<GemmCase> {};

// Held to float32 arithmetic's own accuracy: over all outputs, the largest error relative to
// sum |a b| may be at most twice that of a plain float32 loop over the same operands (both are
// ~1e-7 here). A dropped product or plane (errors of 2^-16 or 2^-8) fails by orders of magnitude.
TEST_P(AmxGemm, MeetsFloat32ErrorBoundAgainstFloat64) {
  if (!amx::enabled()) GTEST_SKIP() << "no AMX tiles on this CPU or OS";
  const GemmCase& c = GetParam();
  const int64_t rows_pad = (c.M + 31) / 32 * 32;
  Generator gen(7);
  // magnitudes over several binades, so the split's lower planes carry real bits
  auto values = [&](int64_t n) {
    auto u = uniform({n}, -1, 1, DType::Float64, gen).to_vector<double>();
    auto e = uniform({n}, -6, 6, DType::Float64, gen).to_vector<double>();
    std::vector<float> v(static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i)
      v[size_t(i)] = float(u[size_t(i)] * std::exp2(std::floor(e[size_t(i)])));
    return v;
  };
  const std::vector<float> a = values(c.M * c.K), b = values(c.K * c.N), bias = values(c.N),
                           c0 = values(c.M * c.N);
  auto planes = [](std::vector<float>& storage, int64_t elements) {
    storage.assign(size_t(3 * elements / 2 + 64), 0.0f);
    auto base = reinterpret_cast<uintptr_t>(storage.data());
    auto* p = reinterpret_cast<amx::bf16*>((base + 63) & ~uintptr_t(63));
    return amx::Planes{{p, p + elements, p + 2 * elements}};
  };
  std::vector<float> a_store, b_store;
  const amx::Planes ap = planes(a_store, rows_pad * c.K), bp = planes(b_store, c.K * c.N);
  std::vector<float> out = c0;
  amx::configure_thread();
  amx::split_rows(a.data(), c.M, c.K, c.K, rows_pad, ap);
  amx::split_pairs(b.data(), c.K, c.N, c.N, c.K, bp);
  amx::gemm(c.M, c.N, c.K, ap, bp, out.data(), c.N, c.accumulate,
            {c.bias ? bias.data() : nullptr, c.relu});
  amx::release_thread();
  double worst_tiles = 0, worst_float32 = 0;
  for (int64_t i = 0; i < c.M; ++i)
    for (int64_t j = 0; j < c.N; ++j) {
      double exact = c.accumulate ? c0[size_t(i * c.N + j)] : 0.0, magnitude = std::abs(exact);
      float plain = c.accumulate ? c0[size_t(i * c.N + j)] : 0.0f;
      for (int64_t k = 0; k < c.K; ++k) {
        const float ai = a[size_t(i * c.K + k)], bj = b[size_t(k * c.N + j)];
        exact += double(ai) * bj;
        magnitude += std::abs(double(ai) * bj);
        plain = std::fma(ai, bj, plain);
      }
      if (c.bias) {
        exact += bias[size_t(j)];
        magnitude += std::abs(bias[size_t(j)]);
        plain += bias[size_t(j)];
      }
      if (c.relu && exact < 0) exact = 0;
      if (c.relu && plain < 0) plain = 0;
      worst_tiles = std::max(worst_tiles, std::abs(out[size_t(i * c.N + j)] - exact) / magnitude);
      worst_float32 = std::max(worst_float32, std::abs(plain - exact) / magnitude);
    }
  EXPECT_GT(worst_float32, 0.0) << c.name;
  EXPECT_LE(worst_tiles, 2 * worst_float32) << c.name << ": float32 loop " << worst_float32;
}

INSTANTIATE_TEST_SUITE_P(
    Shapes, AmxGemm,
    ::testing::Values(GemmCase{"three_body_group", 96, 128, 128, false, true, true},
                      GemmCase{"ragged_rows_staged", 45, 64, 96, false, false, false},
                      GemmCase{"weight_gradient_accumulates", 128, 64, 96, true, false, false},
                      GemmCase{"one_tile_block", 32, 32, 32, false, false, true}),
    [](const auto& info) { return std::string(info.param.name); });

// Whole chains with layers on tiles (both widths multiples of 32) between layers that are not,
// against the same chains on the FMA kernels: through dense_chain (forward, then backward) and
// through the fused training pass.
struct TileChainCase {
  const char* name;
  int64_t rows;
  std::vector<int64_t> widths;
  Activation hidden;
};

class AmxChain : public ::testing::TestWithParam<TileChainCase> {
 protected:
  void TearDown() override { amx::set_enabled(true); }
};

TEST_P(AmxChain, AgreesWithTheFmaKernels) {
  if (!amx::enabled()) GTEST_SKIP() << "no AMX tiles on this CPU or OS";
  if (!dense::enabled()) GTEST_SKIP() << "dense kernels off";
  const TileChainCase& c = GetParam();
  Generator gen(3);
  const Tensor x0 = uniform({c.rows, c.widths[0]}, -1, 1, DType::Float32, gen);
  const Tensor target = uniform({c.rows, c.widths.back()}, -1, 1, DType::Float32, gen);
  std::vector<Tensor> w0, b0;
  std::vector<Activation> acts;
  for (size_t l = 0; l + 1 < c.widths.size(); ++l) {
    const double bound = 1.5 / std::sqrt(double(c.widths[l]));
    w0.push_back(uniform({c.widths[l + 1], c.widths[l]}, -bound, bound, DType::Float32, gen));
    b0.push_back(uniform({c.widths[l + 1]}, -0.5, 0.5, DType::Float32, gen));
    acts.push_back(l + 2 < c.widths.size() ? c.hidden : Activation::None);
  }
  struct Run {
    Tensor loss, gx;
    std::vector<Tensor> gw, gb;
  };
  auto run = [&](bool tiles, bool fused) {
    amx::set_enabled(tiles);
    Tensor x = x0.detach().requires_grad_(true);
    std::vector<Tensor> w, b;
    for (size_t l = 0; l < w0.size(); ++l) {
      w.push_back(w0[l].detach().requires_grad_(true));
      b.push_back(b0[l].detach().requires_grad_(true));
    }
    Tensor loss = fused ? dense_chain_loss(x, w, b, acts, target, FusedLoss::MSE).loss : Tensor();
    EXPECT_EQ(loss.defined(), fused) << c.name << ": the chain should fuse with its loss";
    if (!loss.defined()) loss = mse_loss(dense_chain(x, w, b, acts), target);
    loss.backward();
    Run r{loss.detach(), x.grad(), {}, {}};
    for (size_t l = 0; l < w.size(); ++l) {
      r.gw.push_back(w[l].grad());
      r.gb.push_back(b[l].grad());
    }
    return r;
  };
  for (bool fused : {false, true}) {
    const Run on = run(true, fused), off = run(false, fused);
    const std::string what = std::string(c.name) + (fused ? " fused" : " composed");
    expect_close(on.loss, off.loss, what + ": loss");
    expect_close(on.gx, off.gx, what + ": dx");
    for (size_t l = 0; l < w0.size(); ++l) {
      expect_close(on.gw[l], off.gw[l], what + ": layer " + std::to_string(l) + " dW");
      expect_close(on.gb[l], off.gb[l], what + ": layer " + std::to_string(l) + " db");
    }
  }
}

INSTANTIATE_TEST_SUITE_P(
    Chains, AmxChain,
    ::testing::Values(
        TileChainCase{"three_body_b5000", 5000, {3, 128, 128, 128, 4}, Activation::Relu},
        // groups whose last rows do not fill a 32-row tile block (each thread's share ends in
        // a group of 72 or 73 rows), a 64 -> 96 layer, and an input width on tiles (x itself
        // split and transposed for dW)
        TileChainCase{"ragged_rows_mixed_widths", 1001, {32, 64, 96, 70, 5}, Activation::Relu},
        TileChainCase{"tanh_b700", 700, {3, 128, 128, 4}, Activation::Tanh},
        TileChainCase{"fewest_rows_on_tiles", 530, {64, 64, 64}, Activation::Relu}),
    [](const auto& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace scidl::testing
