// The harness's checks, run for every registered op as parameterised tests.
#include "op_harness.h"

#include <gtest/gtest.h>

#include <cmath>

namespace scidl::testing {

std::vector<OpCase>& op_registry() {
  static std::vector<OpCase> registry;
  return registry;
}

Tensor random_input(Generator& gen, const Shape& shape, double low, double high) {
  return uniform(shape, low, high, DType::Float64, gen);
}

Tensor away_from(Generator& gen, const Shape& shape, const std::vector<double>& kinks,
                 double margin, double low, double high) {
  std::vector<double> v(numel_of(shape));
  for (auto& x : v) {
    bool ok;
    do {
      x = low + (high - low) * gen.next_double();
      ok = true;
      for (double k : kinks) ok = ok && std::abs(x - k) >= margin;
    } while (!ok);
  }
  return from_vector(v, shape);
}

Shape random_shape(Generator& gen, int min_rank, int max_rank, int max_dim) {
  int rank = min_rank + static_cast<int>(gen.next_u64() % (max_rank - min_rank + 1));
  Shape s(rank);
  for (auto& d : s) d = 1 + static_cast<int64_t>(gen.next_u64() % max_dim);
  return s;
}

Shape broadcastable_to(Generator& gen, const Shape& shape) {
  size_t drop = gen.next_u64() % (shape.size() + 1);
  Shape s(shape.begin() + drop, shape.end());
  for (auto& d : s)
    if (gen.next_u64() % 2) d = 1;
  return s;
}

namespace {

Tensor to_dtype(const Tensor& t, DType d) { return is_floating(t.dtype()) ? t.to(d) : t; }

// Same values, strided layout: every other element of a buffer twice as long in the last dim.
Tensor noncontiguous_copy(const Tensor& t) {
  if (t.dim() == 0 || !is_floating(t.dtype())) return t;
  Shape big = t.shape();
  big.back() *= 2;
  Tensor buffer = zeros(big, t.dtype());
  Shape st = buffer.strides();
  st.back() = 2;
  Tensor view = buffer.as_strided(t.shape(), st, 0);
  view.copy_(t);
  return view;
}

std::vector<Tensor> inputs_for(const OpCase& c, uint64_t seed) {
  Generator gen(seed);
  return c.make_inputs(gen);
}

// Every output's values, one after another.
std::vector<double> values_of(const std::vector<Tensor>& outs) {
  std::vector<double> v;
  for (const auto& t : outs) {
    auto part = t.to_vector<double>();
    v.insert(v.end(), part.begin(), part.end());
  }
  return v;
}

// Random seeds for the outputs in `which` (undefined for the others).
std::vector<Tensor> seeds_for(const std::vector<Tensor>& outs, uint64_t seed) {
  Generator gen(seed);
  std::vector<Tensor> seeds;
  for (const auto& y : outs)
    seeds.push_back(to_dtype(random_input(gen, y.shape(), -1, 1), y.dtype()));
  return seeds;
}

// The output subsets a backward is checked through: all of them, and (with several) each alone.
std::vector<std::vector<size_t>> output_subsets(size_t n) {
  std::vector<std::vector<size_t>> subsets(1);
  for (size_t k = 0; k < n; ++k) subsets[0].push_back(k);
  if (n > 1)
    for (size_t k = 0; k < n; ++k) subsets.push_back({k});
  return subsets;
}

class OpHarness : public ::testing::TestWithParam<size_t> {
 protected:
  const OpCase& op() const { return op_registry()[GetParam()]; }
};

constexpr int kSeeds = 3;  // random shapes and values per check

TEST_P(OpHarness, Float32AgreesWithFloat64) {
  for (int s = 0; s < kSeeds; ++s) {
    auto in64 = inputs_for(op(), 100 + s);
    std::vector<Tensor> in32;
    for (auto& t : in64) in32.push_back(to_dtype(t, DType::Float32));
    auto y64 = values_of(op().outputs(in64));
    auto outs32 = op().outputs(in32);
    for (const auto& t : outs32) ASSERT_EQ(t.dtype(), DType::Float32) << op().name;
    auto y32 = values_of(outs32);
    ASSERT_EQ(y64.size(), y32.size());
    for (size_t i = 0; i < y64.size(); ++i)
      ASSERT_NEAR(y32[i], y64[i], 1e-4 * (1 + std::abs(y64[i]))) << op().name << " element " << i;
  }
}

// The float32 backward passes (scidl's own kernels, oneDNN, BLAS) against the float64 ones that
// the finite differences below check.
TEST_P(OpHarness, Float32GradientsAgreeWithFloat64) {
  for (int s = 0; s < kSeeds; ++s) {
    std::vector<std::vector<double>> by_dtype[2];
    for (int d = 0; d < 2; ++d) {
      std::vector<Tensor> in, diff;
      for (auto& t : inputs_for(op(), 600 + s)) {
        in.push_back(to_dtype(t, d == 0 ? DType::Float64 : DType::Float32));
        if (is_floating(t.dtype())) diff.push_back(in.back().requires_grad_());
      }
      if (diff.empty()) return;
      auto ys = op().outputs(in);
      for (auto& g : autograd::grad(ys, diff, seeds_for(ys, 700 + s), false, true))
        by_dtype[d].push_back(g.defined() ? g.to_vector<double>() : std::vector<double>{});
    }
    for (size_t k = 0; k < by_dtype[0].size(); ++k) {
      const auto &g64 = by_dtype[0][k], &g32 = by_dtype[1][k];
      ASSERT_EQ(g64.size(), g32.size()) << op().name << ": input " << k;
      for (size_t i = 0; i < g64.size(); ++i)
        ASSERT_NEAR(g32[i], g64[i], 1e-3 * (1 + std::abs(g64[i])))
            << op().name << ": input " << k << " element " << i << " (seed " << s << ")";
    }
  }
}

TEST_P(OpHarness, NonContiguousInputsGiveTheSameValues) {
  for (int s = 0; s < kSeeds; ++s) {
    auto in = inputs_for(op(), 200 + s);
    std::vector<Tensor> strided;
    for (auto& t : in) strided.push_back(noncontiguous_copy(t));
    auto a = values_of(op().outputs(in));
    auto b = values_of(op().outputs(strided));
    ASSERT_EQ(a.size(), b.size());
    for (size_t i = 0; i < a.size(); ++i)
      ASSERT_NEAR(a[i], b[i], 1e-12 * (1 + std::abs(a[i]))) << op().name;
  }
}

class OpWithReference : public OpHarness {};

TEST_P(OpWithReference, MatchesScalarReference) {
  for (int s = 0; s < kSeeds; ++s) {
    auto in = inputs_for(op(), 300 + s);
    Tensor y = op().forward(in);
    std::vector<std::vector<double>> vals;
    for (auto& t : in) vals.push_back(expand(t, y.shape()).contiguous().to_vector<double>());
    auto out = y.to_vector<double>();
    for (size_t i = 0; i < out.size(); ++i) {
      std::vector<double> args;
      for (auto& v : vals) args.push_back(v[i]);
      ASSERT_NEAR(out[i], op().reference(args), 1e-12 * (1 + std::abs(out[i]))) << op().name;
    }
  }
}

TEST_P(OpHarness, GradientsMatchFiniteDifferencesInFloat64) {
  for (int s = 0; s < kSeeds; ++s) {
    auto in = inputs_for(op(), 400 + s);
    std::vector<Tensor> diff;
    for (auto& t : in)
      if (is_floating(t.dtype())) {
        t.requires_grad_();
        diff.push_back(t);
      }
    const auto all_seeds = seeds_for(op().outputs(in), 500 + s);
    for (const auto& subset : output_subsets(all_seeds.size())) {
      auto ys = op().outputs(in);
      std::vector<Tensor> outs, seeds;
      for (size_t k : subset) {
        outs.push_back(ys[k]);
        seeds.push_back(all_seeds[k]);
      }
      auto grads = autograd::grad(outs, diff, seeds, false, true);
      auto objective = [&] {
        NoGradGuard ng;
        auto now = op().outputs(in);
        double acc = 0;
        for (size_t k : subset) {
          auto yv = now[k].to_vector<double>();
          auto sv = all_seeds[k].to_vector<double>();
          for (size_t i = 0; i < yv.size(); ++i) acc += yv[i] * sv[i];
        }
        return acc;
      };
      const double h = 1e-6;
      for (size_t k = 0; k < diff.size(); ++k) {
        double* p = diff[k].data<double>();
        auto g = grads[k].to_vector<double>();
        for (int64_t i = 0; i < diff[k].numel(); ++i) {
          double keep = p[i];
          p[i] = keep + h;
          double up = objective();
          p[i] = keep - h;
          double down = objective();
          p[i] = keep;
          double numeric = (up - down) / (2 * h);
          ASSERT_NEAR(g[i], numeric, op().fd_tolerance * (1 + std::abs(numeric)))
              << op().name << ": input " << k << " element " << i << " (seed " << s << ", outputs "
              << ::testing::PrintToString(subset) << ")";
        }
      }
    }
  }
}

std::string case_name(const ::testing::TestParamInfo<size_t>& info) {
  return op_registry()[info.param].name;
}

std::vector<size_t> ops_with_reference() {
  std::vector<size_t> ids;
  for (size_t i = 0; i < op_registry().size(); ++i)
    if (op_registry()[i].reference) ids.push_back(i);
  return ids;
}

INSTANTIATE_TEST_SUITE_P(AllOps, OpHarness, ::testing::Range<size_t>(0, op_registry().size()),
                         case_name);
INSTANTIATE_TEST_SUITE_P(ElementwiseOps, OpWithReference, ::testing::ValuesIn(ops_with_reference()),
                         case_name);

}  // namespace
}  // namespace scidl::testing
