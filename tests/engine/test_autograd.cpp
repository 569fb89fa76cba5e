// Autograd behaviour beyond single ops: accumulation, gradients w.r.t. inputs, no-grad scopes,
// seeds, freed graphs and clear errors.
#include "../test_util.h"

namespace scidl::testing {
namespace {

TEST(Autograd, GradientsAccumulateAcrossBackwardCalls) {
  Tensor w = from_vector<double>({1.0, 2.0}, {2}).requires_grad_();
  sum(w * 3.0).backward();
  sum(w * 3.0).backward();
  EXPECT_EQ(w.grad().to_vector<double>(), (std::vector<double>{6.0, 6.0}));
  w.zero_grad();
  EXPECT_EQ(w.grad().to_vector<double>(), (std::vector<double>{0.0, 0.0}));
}

TEST(Autograd, GradWithRespectToInputsLeavesParameterGradsUntouched) {
  Tensor w = from_vector<double>({2.0, -1.0}, {2, 1}).requires_grad_();
  Tensor x = from_vector<double>({1.0, 3.0, -2.0, 0.5}, {2, 2}).requires_grad_();
  for (int repeat = 0; repeat < 3; ++repeat) {  // explanation methods ask again and again
    Tensor y = matmul(x, w);
    auto g = autograd::grad({y}, {x}, {ones_like(y)});
    EXPECT_EQ(g[0].to_vector<double>(), (std::vector<double>{2.0, -1.0, 2.0, -1.0}));
  }
  EXPECT_FALSE(w.grad().defined());
  EXPECT_FALSE(x.grad().defined());
}

TEST(Autograd, SeedGradientWeightsTheOutputs) {
  Tensor x = from_vector<double>({1.0, 2.0, 3.0}, {3}).requires_grad_();
  Tensor y = square(x);
  y.backward(from_vector<double>({1.0, 0.0, 2.0}, {3}));
  EXPECT_EQ(x.grad().to_vector<double>(), (std::vector<double>{2.0, 0.0, 12.0}));
}

TEST(Autograd, SharedSubexpressionsSumTheirGradients) {
  Tensor x = scalar_tensor(3.0, DType::Float64).requires_grad_();
  Tensor a = x * x;      // used twice below
  Tensor y = a * a + a;  // x^4 + x^2 -> 4x^3 + 2x = 114
  y.backward();
  EXPECT_DOUBLE_EQ(x.grad().item(), 114.0);
}

TEST(Autograd, NoGradScopeRecordsNothing) {
  Tensor x = ones({2}, DType::Float64).requires_grad_();
  Tensor y;
  {
    NoGradGuard ng;
    y = x * 2.0;
  }
  EXPECT_FALSE(y.requires_grad());
  EXPECT_THROW(y.backward(from_vector<double>({1, 1}, {2})), std::invalid_argument);
}

TEST(Autograd, SecondBackwardNeedsRetainGraph) {
  Tensor x = ones({2}, DType::Float64).requires_grad_();
  Tensor y = sum(exp(x));
  y.backward();
  try {
    y.backward();
    FAIL() << "expected an error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("retain_graph"), std::string::npos) << e.what();
  }
  Tensor z = sum(exp(x));
  z.backward(Tensor(), true);
  z.backward();
  EXPECT_NEAR(x.grad().to_vector<double>()[0], 3 * std::exp(1.0), 1e-12);
}

TEST(Autograd, NonScalarBackwardWithoutSeedSaysWhatToDo) {
  Tensor x = ones({3}, DType::Float64).requires_grad_();
  try {
    (x * 2.0).backward();
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("seed"), std::string::npos);
  }
}

TEST(Autograd, UnconnectedInputIsReported) {
  Tensor x = ones({2}, DType::Float64).requires_grad_();
  Tensor unused = ones({2}, DType::Float64).requires_grad_();
  Tensor y = sum(x * 2.0);
  EXPECT_THROW(autograd::grad({y}, {unused}, {}, true), std::invalid_argument);
  auto g = autograd::grad({y}, {unused}, {}, false, true);
  EXPECT_EQ(g[0].to_vector<double>(), (std::vector<double>{0.0, 0.0}));
}

TEST(Autograd, RetainGradKeepsIntermediateGradients) {
  Tensor x = from_vector<double>({1.0, 2.0}, {2}).requires_grad_();
  Tensor h = x * 3.0;
  h.retain_grad();
  sum(square(h)).backward();
  EXPECT_EQ(h.grad().to_vector<double>(), (std::vector<double>{6.0, 12.0}));
}

TEST(Shapes, SizesThatMultiplyPast2To63AreRefusedNamingTheShape) {
  const int64_t big = int64_t{1} << 40;
  for (const Shape& shape : {Shape{big, big}, Shape{big, big, 0}, Shape{0, big, big}}) {
    try {
      empty(shape);
      FAIL() << shape_str(shape);
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find(shape_str(shape) + " is too large"), std::string::npos)
          << e.what();
    }
  }
  EXPECT_EQ(empty({big, 0}).numel(), 0);  // large but representable: an empty tensor
}

TEST(Shapes, MismatchedOperandsNameTheOpAndBothShapes) {
  try {
    add(ones({2, 3}), ones({4, 3}));
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("add: shapes [2, 3] and [4, 3]"), std::string::npos)
        << e.what();
  }
  try {
    matmul(ones({2, 3}), ones({4, 5}));
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("matmul: shapes [2, 3] and [4, 5]"), std::string::npos)
        << e.what();
  }
}

TEST(Views, ShareStorageAndCopyNothing) {
  Tensor x = arange(12, DType::Float32);
  Tensor m = reshape(x, {3, 4});
  Tensor t = transpose(m, 0, 1);
  Tensor s = slice(m, 1, 1, 3);
  Tensor e = expand(reshape(slice(x, 0, 0, 4), {1, 4}), {5, 4});
  for (const Tensor* v : {&m, &t, &s, &e}) EXPECT_TRUE(v->same_storage(x));
  EXPECT_FALSE(t.is_contiguous());
  EXPECT_EQ(t.to_vector<float>()[1], 4.0f);  // t[0][1] == m[1][0]
  EXPECT_EQ(s.to_vector<float>(), (std::vector<float>{1, 2, 5, 6, 9, 10}));
  EXPECT_EQ(e.strides()[0], 0);
}

TEST(Random, SameSeedSameNumbersAcrossGenerators) {
  Generator a(42), b(42), c(43);
  Tensor x = randn({100}, DType::Float64, a), y = randn({100}, DType::Float64, b);
  EXPECT_EQ(x.to_vector<double>(), y.to_vector<double>());
  EXPECT_NE(x.to_vector<double>(), randn({100}, DType::Float64, c).to_vector<double>());
  // A known value, so the stream stays the same across releases and machines.
  Generator d(0);
  EXPECT_EQ(d.next_u64(), Generator(0).next_u64());
  auto u = rand({10000}, DType::Float64, a).to_vector<double>();
  double mean = 0;
  for (double v : u) mean += v / u.size();
  EXPECT_NEAR(mean, 0.5, 0.02);
  auto bits = bernoulli({10000}, 0.25, DType::Float64, a).to_vector<double>();
  double ones_frac = 0;
  for (double v : bits) ones_frac += v / bits.size();
  EXPECT_NEAR(ones_frac, 0.25, 0.02);
}

// bernoulli draws element i from the (i % 8)-th of eight generators split from the one given,
// and compares integers for speed; it must keep each stream's draw `next_double() < p` exactly,
// including probabilities that are not multiples of 2^-53 and the ends 0 and 1, and advance
// the given generator by exactly the eight splits.
TEST(Random, BernoulliIsNextDoubleBelowPOnEightSplitStreams) {
  for (double p : {0.0, 0.1, 0.25, 1.0 / 3.0, 0.9, 1.0})
    for (int64_t n : {5003, 3}) {
      Generator a(5), b(5);
      auto bits = bernoulli({n}, p, DType::Float32, a).to_vector<double>();
      std::vector<Generator> lanes;
      for (int l = 0; l < 8; ++l) lanes.push_back(b.split());
      for (size_t i = 0; i < bits.size(); ++i)
        ASSERT_EQ(bits[i], lanes[i % 8].next_double() < p ? 1.0 : 0.0)
            << "p " << p << ", element " << i;
      EXPECT_EQ(a.next_u64(), b.next_u64());
    }
}

// Neighbouring elements come from different streams: pairs of ones at the rate p^2.
TEST(Random, BernoulliNeighboursAreIndependent) {
  Generator gen(9);
  const int64_t n = 200000;
  auto bits = bernoulli({n}, 0.5, DType::Float64, gen).to_vector<double>();
  double ones = 0, pairs = 0;
  for (int64_t i = 0; i < n; ++i) ones += bits[size_t(i)];
  for (int64_t i = 0; i + 1 < n; ++i) pairs += bits[size_t(i)] * bits[size_t(i + 1)];
  EXPECT_NEAR(ones / n, 0.5, 0.005);           // 4.5 sigma
  EXPECT_NEAR(pairs / (n - 1), 0.25, 0.0045);  // 4.6 sigma
}

TEST(Random, GeneratorStateRoundTrips) {
  Generator g(7);
  g.next_normal();  // leaves a spare normal cached
  auto saved = g.state();
  double a = g.next_normal(), b = g.next_double();
  Generator h;
  h.set_state(saved);
  EXPECT_EQ(h.next_normal(), a);
  EXPECT_EQ(h.next_double(), b);
}

}  // namespace
}  // namespace scidl::testing

namespace scidl {
namespace {

// Operations with several outputs: one node, gradients through any subset of the outputs.
TEST(MultiOutputNode, PiecesOfOneSplitShareOneNode) {
  Tensor x = from_vector<double>({1, 2, 3, 4, 5, 6}, {6}).requires_grad_();
  auto pieces = split(x, {2, 4}, 0);
  ASSERT_EQ(pieces[0].grad_fn(), pieces[1].grad_fn());
  EXPECT_EQ(pieces[0].output_nr(), 0u);
  EXPECT_EQ(pieces[1].output_nr(), 1u);
  sum(pieces[1] * 3.0).backward();  // only the second piece: the first gets zeros
  EXPECT_EQ(x.grad().to_vector<double>(), (std::vector<double>{0, 0, 3, 3, 3, 3}));
}

TEST(MultiOutputNode, GradWithRespectToOneOutputOfAnotherOp) {
  Tensor x = from_vector<double>({1, 2, 3, 4}, {4}).requires_grad_();
  auto pieces = chunk(x * 2.0, 2, 0);
  Tensor y = sum(pieces[0] * pieces[0]) + sum(pieces[1]);
  auto g = autograd::grad({y}, {pieces[0], pieces[1]});
  EXPECT_EQ(g[0].to_vector<double>(), (std::vector<double>{4, 8}));
  EXPECT_EQ(g[1].to_vector<double>(), (std::vector<double>{1, 1}));
}

TEST(MultiOutputNode, RetainGradOnEachOutput) {
  Tensor x = from_vector<double>({1, 2, 3, 4}, {4}).requires_grad_();
  auto pieces = chunk(x, 2, 0);
  pieces[1].retain_grad();
  sum(pieces[0] * 5.0 + pieces[1] * 7.0).backward();
  EXPECT_EQ(pieces[1].grad().to_vector<double>(), (std::vector<double>{7, 7}));
  EXPECT_FALSE(pieces[0].grad().defined());
  EXPECT_EQ(x.grad().to_vector<double>(), (std::vector<double>{5, 5, 7, 7}));
}

TEST(MultiOutputNode, SplitSizesThatDoNotAddUpAreRefused) {
  Tensor x = zeros({3, 5});
  try {
    split(x, {2, 2}, 1);
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("add up to 4"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("[3, 5]"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace scidl

namespace scidl {
namespace {

// A root below another root (h is both an output and an input of y) counts its inputs once;
// before, they were counted twice and never ran, so x got no gradient at all.
TEST(AutogradRoots, AnOutputThatAlsoFeedsAnotherOutput) {
  Tensor x = from_vector<double>({1, 2}, {2}).requires_grad_();
  Tensor h = x * 3.0;
  Tensor y = h * h;
  auto g = autograd::grad({y, h}, {x}, {ones_like(y), ones_like(h)});
  // d/dx (9 x^2 + 3 x) = 18 x + 3
  EXPECT_EQ(g[0].to_vector<double>(), (std::vector<double>{21, 39}));
}

}  // namespace
}  // namespace scidl
