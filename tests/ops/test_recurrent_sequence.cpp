// lstm_sequence and gru_sequence (one node for the whole sequence, its time loop split between
// threads by batch rows when the batch is large) against the same steps composed from
// lstm_cell and gru_cell: values and every gradient, through all outputs at once, at a size
// where the rows are split (in float32 with W_hh packed once by oneDNN, and through OpenBLAS);
// and no history kept under NoGradGuard.
#include <gtest/gtest.h>

#include "../test_util.h"
#include "scidl/backend/cpu/conv_onednn.h"
#include "scidl/scidl.h"

namespace scidl::testing {
namespace {

// batch 64 x hidden 128: a step large enough for the backend to split the rows between threads
constexpr int64_t kBatch = 64, kSteps = 5, kInputs = 3, kHidden = 128;
namespace onednn = backend::cpu::onednn;

struct Layer {
  Tensor x, h0, c0, w_ih, w_hh, b_ih, b_hh;
  std::vector<Tensor> all() const { return {x, h0, c0, w_ih, w_hh, b_ih, b_hh}; }
};

Layer random_layer(int64_t gates, DType dtype, int64_t batch = kBatch) {
  Generator gen(7);
  const double bound = 1.0 / std::sqrt(double(kHidden));
  auto draw = [&](const Shape& s, double b) {
    return uniform(s, -b, b, dtype, gen).requires_grad_();
  };
  return {draw({batch, kSteps, kInputs}, 1.0),
          draw({batch, kHidden}, 1.0),
          draw({batch, kHidden}, 1.0),
          draw({gates * kHidden, kInputs}, bound),
          draw({gates * kHidden, kHidden}, bound),
          draw({gates * kHidden}, bound),
          draw({gates * kHidden}, bound)};
}

// The gradients of sum(seed_k * output_k) over the outputs with respect to every input.
std::vector<Tensor> gradients(const std::vector<Tensor>& outputs, const std::vector<Tensor>& inputs,
                              Generator& gen) {
  std::vector<Tensor> seeds;
  for (const auto& o : outputs) seeds.push_back(uniform(o.shape(), -1, 1, o.dtype(), gen));
  return autograd::grad(outputs, inputs, seeds);
}

std::vector<Tensor> lstm_by_cells(const Layer& l) {
  Tensor h = l.h0, c = l.c0;
  std::vector<Tensor> hs;
  for (int64_t t = 0; t < kSteps; ++t) {
    auto hc = lstm_cell(squeeze(slice(l.x, 1, t, t + 1), 1), h, c, l.w_ih, l.w_hh, l.b_ih, l.b_hh);
    h = hc[0], c = hc[1];
    hs.push_back(h);
  }
  return {stack(hs, 1), h, c};
}

std::vector<Tensor> gru_by_cells(const Layer& l) {
  Tensor h = l.h0;
  std::vector<Tensor> hs;
  for (int64_t t = 0; t < kSteps; ++t) {
    h = gru_cell(squeeze(slice(l.x, 1, t, t + 1), 1), h, l.w_ih, l.w_hh, l.b_ih, l.b_hh);
    hs.push_back(h);
  }
  return {stack(hs, 1), h};
}

void expect_same_values_and_gradients(const std::vector<Tensor>& sequence,
                                      const std::vector<Tensor>& cells,
                                      const std::vector<Tensor>& inputs, double rel) {
  ASSERT_EQ(sequence.size(), cells.size());
  for (size_t k = 0; k < cells.size(); ++k)
    expect_close(sequence[k], cells[k], "output " + std::to_string(k), rel);
  Generator g1(3), g2(3);
  const auto a = gradients(sequence, inputs, g1), b = gradients(cells, inputs, g2);
  for (size_t i = 0; i < inputs.size(); ++i)
    expect_close(a[i], b[i], "gradient of input " + std::to_string(i), rel);
}

TEST(LstmSequence, MatchesItsStepsAsCellsWithRowsSplitBetweenThreads) {
  for (auto [dtype, rel] : {std::pair{DType::Float64, 1e-12}, std::pair{DType::Float32, 2e-5}}) {
    const Layer l = random_layer(4, dtype);
    expect_same_values_and_gradients(lstm_sequence(l.x, l.h0, l.c0, l.w_ih, l.w_hh, l.b_ih, l.b_hh),
                                     lstm_by_cells(l), l.all(), rel);
  }
}

TEST(GruSequence, MatchesItsStepsAsCellsWithRowsSplitBetweenThreads) {
  for (auto [dtype, rel] : {std::pair{DType::Float64, 1e-12}, std::pair{DType::Float32, 2e-5}}) {
    Layer l = random_layer(3, dtype);
    const std::vector<Tensor> inputs{l.x, l.h0, l.w_ih, l.w_hh, l.b_ih, l.b_hh};
    expect_same_values_and_gradients(gru_sequence(l.x, l.h0, l.w_ih, l.w_hh, l.b_ih, l.b_hh),
                                     gru_by_cells(l), inputs, rel);
  }
}

// Both float32 paths of the steps' products: W_hh packed once per sequence (oneDNN) and OpenBLAS;
// an odd batch, so the two threads' row blocks differ in size from each other.
TEST(RecurrentSequence, FloatStepsMatchTheCellsWithThePackedWeightAndWithout) {
  const bool was_on = onednn::enabled();
  for (bool packed : {true, false}) {
    if (packed && !onednn::enabled()) continue;  // not compiled in, or SCIDL_KERNELS=no-onednn
    onednn::set_enabled(packed);
    SCOPED_TRACE(packed ? "packed W_hh" : "OpenBLAS");
    const Layer l = random_layer(4, DType::Float32, 65);
    expect_same_values_and_gradients(lstm_sequence(l.x, l.h0, l.c0, l.w_ih, l.w_hh, l.b_ih, l.b_hh),
                                     lstm_by_cells(l), l.all(), 2e-5);
    const Layer g = random_layer(3, DType::Float32, 65);
    expect_same_values_and_gradients(gru_sequence(g.x, g.h0, g.w_ih, g.w_hh, g.b_ih, g.b_hh),
                                     gru_by_cells(g), {g.x, g.h0, g.w_ih, g.w_hh, g.b_ih, g.b_hh},
                                     2e-5);
  }
  onednn::set_enabled(was_on);
}

TEST(RecurrentSequence, WithoutGradModeGivesTheSameValuesAndKeepsNoHistory) {
  const Layer l = random_layer(4, DType::Float64);
  const auto recorded = lstm_sequence(l.x, l.h0, l.c0, l.w_ih, l.w_hh, l.b_ih, l.b_hh);
  NoGradGuard no_grad;
  const auto plain = lstm_sequence(l.x, l.h0, l.c0, l.w_ih, l.w_hh, l.b_ih, l.b_hh);
  for (size_t k = 0; k < plain.size(); ++k) {
    EXPECT_FALSE(plain[k].requires_grad());
    expect_close(plain[k], recorded[k], "lstm output " + std::to_string(k), 0);
  }
  const Layer g = random_layer(3, DType::Float64);
  const auto gru = gru_sequence(g.x, g.h0, g.w_ih, g.w_hh, g.b_ih, g.b_hh);
  EXPECT_FALSE(gru[0].requires_grad());
  expect_close(gru[1], gru_by_cells(g)[1], "gru h_T", 1e-12);
}

TEST(RecurrentSequence, WeightsOfTheWrongShapeAreRefusedNamingTheExpectedShapes) {
  const Layer l = random_layer(4, DType::Float32);
  try {
    gru_sequence(l.x, l.h0, l.w_ih, l.w_hh, l.b_ih, l.b_hh);  // LSTM weights: 4H rows, not 3H
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(
        std::string(e.what()).find("expected x [B, T, I] with T >= 1, h0 [B, H], w_ih [3H, I]"),
        std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace scidl::testing
