// Behaviour of the explanation methods beyond the Captum fixtures: quadrature points, batching,
// noise seeding, rankings, the integer-formula fit, the bar chart, and clear errors on bad input.
#include <gtest/gtest.h>

#include <cmath>
#include <numeric>

#include "scidl/explain/explain.h"
#include "scidl/nn/model_spec.h"
#include "scidl/ops/ops.h"

namespace {

using namespace scidl;
using namespace scidl::explain;

std::shared_ptr<nn::Sequential> small_mlp(int64_t outputs = 3) {
  nlohmann::json spec = {{"inputs", 4},
                         {"dtype", "float64"},
                         {"layers",
                          {{{"type", "dense"}, {"units", 8}, {"activation", "tanh"}},
                           {{"type", "dense"}, {"units", outputs}}}}};
  auto model = nn::build_sequential(spec, 3);
  model->eval();
  return model;
}

Tensor some_inputs(int64_t n = 5) {
  Generator gen(11);
  return randn({n, 4}, DType::Float64, gen);
}

// Runs f and returns the ExplainError message (empty when nothing was thrown).
template <typename F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const ExplainError& e) {
    return e.what();
  }
  return "";
}

TEST(IntegrationPoints, GaussLegendreMatchesKnownNodesAndWeights) {
  auto p = integration_points(IntegrationRule::GaussLegendre, 2);
  EXPECT_NEAR(p.alphas[0], 0.5 - 0.5 / std::sqrt(3.0), 1e-15);
  EXPECT_NEAR(p.alphas[1], 0.5 + 0.5 / std::sqrt(3.0), 1e-15);
  EXPECT_NEAR(p.weights[0], 0.5, 1e-15);
  auto p50 = integration_points(IntegrationRule::GaussLegendre, 50);
  EXPECT_NEAR(std::accumulate(p50.weights.begin(), p50.weights.end(), 0.0), 1.0, 1e-14);
  EXPECT_TRUE(std::is_sorted(p50.alphas.begin(), p50.alphas.end()));
  // Exact for polynomials up to degree 99: integral of 100 a^99 over [0, 1] is 1.
  double integral = 0.0;
  for (int i = 0; i < 50; ++i) integral += p50.weights[i] * 100.0 * std::pow(p50.alphas[i], 99);
  EXPECT_NEAR(integral, 1.0, 1e-12);
  auto p1 = integration_points(IntegrationRule::GaussLegendre, 1);
  EXPECT_DOUBLE_EQ(p1.alphas[0], 0.5);
  EXPECT_DOUBLE_EQ(p1.weights[0], 1.0);
}

TEST(IntegrationPoints, RiemannRulesFollowCaptum) {
  auto left = integration_points(IntegrationRule::RiemannLeft, 4);
  EXPECT_EQ(left.alphas, (std::vector<double>{0.0, 0.25, 0.5, 0.75}));
  auto right = integration_points(IntegrationRule::RiemannRight, 4);
  EXPECT_EQ(right.alphas, (std::vector<double>{0.25, 0.5, 0.75, 1.0}));
  auto middle = integration_points(IntegrationRule::RiemannMiddle, 4);
  EXPECT_EQ(middle.alphas, (std::vector<double>{0.125, 0.375, 0.625, 0.875}));
  auto trapezoid = integration_points(IntegrationRule::RiemannTrapezoid, 5);
  EXPECT_EQ(trapezoid.alphas, (std::vector<double>{0.0, 0.25, 0.5, 0.75, 1.0}));
  EXPECT_EQ(trapezoid.weights, (std::vector<double>{0.1, 0.2, 0.2, 0.2, 0.1}));
}

TEST(BadInput, TooFewStepsSayHowManyAreNeeded) {
  EXPECT_NE(error_of([] {
              integration_points(IntegrationRule::GaussLegendre, 0);
            }).find("needs at least 1 step"),
            std::string::npos);
  for (auto rule : {IntegrationRule::RiemannLeft, IntegrationRule::RiemannRight,
                    IntegrationRule::RiemannMiddle, IntegrationRule::RiemannTrapezoid})
    EXPECT_NE(error_of([&] { integration_points(rule, 1); }).find("needs at least 2 steps"),
              std::string::npos);
  auto model = small_mlp(1);
  IntegratedGradientsOptions o;
  o.n_steps = 0;
  EXPECT_NE(
      error_of([&] { integrated_gradients(*model, some_inputs(), {}, o); }).find("n_steps is 0"),
      std::string::npos);
  EXPECT_NE(error_of([] { parse_integration_rule("simpson"); }).find("gausslegendre"),
            std::string::npos);
}

TEST(BadInput, TargetOutOfRangeNamesTheValidRange) {
  auto model = small_mlp(3);
  std::string message = error_of([&] { saliency(*model, some_inputs(), Target(3)); });
  EXPECT_NE(message.find("target index 3 is out of range"), std::string::npos) << message;
  EXPECT_NE(message.find("0..2"), std::string::npos) << message;
  EXPECT_NE(error_of([&] {
              integrated_gradients(*model, some_inputs(), Target(-1));
            }).find("out of range"),
            std::string::npos);
  // Several outputs and no target: say which targets exist.
  EXPECT_NE(error_of([&] { saliency(*model, some_inputs()); }).find("has 3 outputs"),
            std::string::npos);
  // A per-example list of the wrong length.
  EXPECT_NE(error_of([&] {
              saliency(*model, some_inputs(5), Target(std::vector<int64_t>{0, 1}));
            }).find("2 per-example targets for a batch of 5"),
            std::string::npos);
}

TEST(BadInput, BaselineOfTheWrongShapeNamesBothShapes) {
  auto model = small_mlp(1);
  IntegratedGradientsOptions o;
  o.baseline = Baseline::tensor(zeros({3}, DType::Float64));
  std::string message = error_of([&] { integrated_gradients(*model, some_inputs(), {}, o); });
  EXPECT_NE(message.find("baseline of shape [3] does not fit inputs of shape [5, 4]"),
            std::string::npos)
      << message;
  o.baseline = Baseline::tensor(zeros({2, 4}, DType::Float64));
  EXPECT_NE(
      error_of([&] { integrated_gradients(*model, some_inputs(), {}, o); }).find("does not fit"),
      std::string::npos);
}

// A model whose output ignores its input.
class ConstantModel : public nn::Module {
 public:
  ConstantModel() { bias_ = register_parameter("bias", ones({1}, DType::Float64)); }
  Tensor forward(const Tensor& x) override {
    return expand(reshape(bias_, {1, 1}), {x.shape()[0], 1}) * 2.0;
  }
  std::string describe() const override { return "Constant"; }

 private:
  Tensor bias_;
};

TEST(BadInput, ModelWithNoPathFromTheInputIsAClearError) {
  ConstantModel model;
  std::string message = error_of([&] { saliency(model, some_inputs()); });
  EXPECT_NE(message.find("does not depend on its input"), std::string::npos) << message;
  EXPECT_NE(error_of([&] {
              integrated_gradients(model, some_inputs());
            }).find("does not depend on its input"),
            std::string::npos);
  // Parameters are unfrozen again after the failure.
  EXPECT_TRUE(model.parameters()[0].requires_grad());
}

TEST(BadInput, InputOfAnotherDtypeSaysHowToConvert) {
  auto model = small_mlp(1);
  std::string message = error_of([&] { saliency(*model, some_inputs().to(DType::Float32)); });
  EXPECT_NE(message.find("model.to(DType)"), std::string::npos) << message;
}

TEST(Explain, LeavesParametersAndTheirGradientsAlone) {
  auto model = small_mlp(3);
  integrated_gradients(*model, some_inputs(), Target(1));
  for (const auto& p : model->parameters()) {
    EXPECT_TRUE(p.requires_grad());
    EXPECT_FALSE(p.grad().defined());
  }
}

TEST(Explain, WorksInsideNoGradGuard) {
  auto model = small_mlp(1);
  Tensor a = saliency(*model, some_inputs());
  NoGradGuard no_grad;
  Tensor b = saliency(*model, some_inputs());
  EXPECT_EQ(a.to_vector<double>(), b.to_vector<double>());
}

TEST(IntegratedGradients, InternalBatchingGivesTheSameAttributions) {
  auto model = small_mlp(3);
  Tensor x = some_inputs(5);
  Target target(std::vector<int64_t>{0, 1, 2, 1, 0});
  IntegratedGradientsOptions all;
  all.n_steps = 13;
  auto whole = integrated_gradients(*model, x, target, all);
  for (int64_t per_pass : {1, 4, 7, 64}) {
    IntegratedGradientsOptions chunked = all;
    chunked.internal_batch_size = per_pass;
    auto parts = integrated_gradients(*model, x, target, chunked);
    auto a = whole.attributions.to_vector<double>(), b = parts.attributions.to_vector<double>();
    for (size_t i = 0; i < a.size(); ++i) EXPECT_NEAR(a[i], b[i], 1e-13) << per_pass;
  }
}

TEST(IntegratedGradients, DeltaShrinksAsStepsGrow) {
  auto model = small_mlp(1);
  Tensor x = some_inputs(4) * 3.0;
  auto worst = [&](int steps) {
    IntegratedGradientsOptions o;
    o.n_steps = steps;
    o.rule = IntegrationRule::RiemannMiddle;  // error O(1/n^2)
    double w = 0;
    for (double d : integrated_gradients(*model, x, {}, o).convergence_delta.to_vector<double>())
      w = std::max(w, std::abs(d));
    return w;
  };
  EXPECT_LT(worst(200), worst(10) / 50);
}

TEST(IntegratedGradients, Float32ModelsWork) {
  auto model = small_mlp(1);
  model->to(DType::Float32);
  auto result = integrated_gradients(*model, some_inputs().to(DType::Float32));
  EXPECT_EQ(result.attributions.dtype(), DType::Float32);
  for (double d : result.convergence_delta.to_vector<double>()) EXPECT_LT(std::abs(d), 1e-4);
}

TEST(NoiseTunnel, SameSeedSameResultOtherSeedOtherResult) {
  auto model = small_mlp(1);
  Tensor x = some_inputs();
  AttributionMethod method = [&](const Tensor& in, const Target& t) {
    return saliency(*model, in, t);
  };
  NoiseTunnelOptions o{NoiseTunnelType::SmoothGrad, 5, 0.5, 42};
  auto a = noise_tunnel(method, x, {}, o).to_vector<double>();
  auto b = noise_tunnel(method, x, {}, o).to_vector<double>();
  EXPECT_EQ(a, b);
  o.seed = 43;
  EXPECT_NE(a, noise_tunnel(method, x, {}, o).to_vector<double>());
  // With no noise every sample is x: smoothgrad is saliency and vargrad is zero.
  o.stdev = 0.0;
  auto plain = saliency(*model, x).to_vector<double>();
  auto smooth = noise_tunnel(method, x, {}, o).to_vector<double>();
  for (size_t i = 0; i < plain.size(); ++i) EXPECT_NEAR(smooth[i], plain[i], 1e-15);
  o.type = NoiseTunnelType::VarGrad;
  for (double v : noise_tunnel(method, x, {}, o).to_vector<double>()) EXPECT_NEAR(v, 0.0, 1e-15);
  o.nt_samples = 0;
  EXPECT_NE(error_of([&] { noise_tunnel(method, x, {}, o); }).find("nt_samples is 0"),
            std::string::npos);
}

TEST(FeatureRanking, RanksByMeanAbsoluteValueAndScalesGradients) {
  Tensor values = from_vector(std::vector<double>{1, -4, 0, -1, 2, 0}, {2, 3});
  auto r = rank_features(values, {"a", "b", "c"});
  EXPECT_EQ(r.ranked_names(), (std::vector<std::string>{"b", "a", "c"}));
  EXPECT_DOUBLE_EQ(r.scores[1], 3.0);
  EXPECT_DOUBLE_EQ(r.shares[0], 0.25);
  // A linear model 3 x0 + 1 x1: raw gradients rank x0 first, but x1 varies 10 times as much.
  auto model = nn::build_sequential(
      {{"inputs", 2}, {"dtype", "float64"}, {"layers", {{{"type", "dense"}, {"units", 1}}}}}, 0);
  model->load_state_dict({{"0.weight", from_vector(std::vector<double>{3, 1}, {1, 2})},
                          {"0.bias", zeros({1}, DType::Float64)}});
  Tensor x = from_vector(std::vector<double>{0, 0, 1, 10, 2, 20, 3, 30}, {4, 2});
  EXPECT_EQ(gradient_ranking(*model, x, {}, {"x0", "x1"}, false).order,
            (std::vector<int64_t>{0, 1}));
  auto standardised = gradient_ranking(*model, x, {}, {"x0", "x1"}, true, 3);
  EXPECT_EQ(standardised.order, (std::vector<int64_t>{1, 0}));
  EXPECT_NEAR(standardised.scores[1] / standardised.scores[0], 10.0 / 3.0, 1e-12);
}

TEST(IntegerFormula, RecoversIntegerCoefficientsAndPrintsThem) {
  // y = 2 a - 3 c + 5 from columns a, b (noise-free), c.
  std::vector<double> xs, ys;
  Generator gen(5);
  for (int i = 0; i < 40; ++i) {
    double a = std::floor(gen.next_double() * 20), b = gen.next_double(),
           c = std::floor(gen.next_double() * 9);
    xs.insert(xs.end(), {a, b, c});
    ys.push_back(2 * a - 3 * c + 5);
  }
  auto f = fit_integer_formula(from_vector(xs, {40, 3}), from_vector(ys, {40}), {0, 2}, {"a", "c"});
  EXPECT_EQ(f.rounded, (std::vector<int64_t>{2, -3, 5}));
  EXPECT_EQ(f.text("y"), "y = 2*a - 3*c + 5");
  EXPECT_DOUBLE_EQ(f.exact_fraction, 1.0);
  EXPECT_LT(f.max_residual, 1e-9);
  // Collinear columns cannot be told apart.
  EXPECT_NE(
      error_of([&] {
        fit_integer_formula(from_vector(xs, {40, 3}), from_vector(ys, {40}), {0, 0}, {"a", "a"});
      }).find("collinear"),
      std::string::npos);
}

TEST(BarChartSvg, DrawsOneBarPerLabelAndEscapesText) {
  std::string svg =
      bar_chart_svg({{"E", 2.0}, {"V<2>", 1.0}, {"area", 0.0}}, "salience & more", "score");
  EXPECT_EQ(svg.rfind("<svg", 0), 0u);
  EXPECT_NE(svg.find("V&lt;2&gt;"), std::string::npos);
  EXPECT_NE(svg.find("salience &amp; more"), std::string::npos);
  size_t rects = 0;
  for (size_t at = svg.find("<rect"); at != std::string::npos; at = svg.find("<rect", at + 1))
    ++rects;
  EXPECT_EQ(rects, 4u);  // background and three bars
  EXPECT_THROW(bar_chart_svg({{"bad", NAN}}, "t", "v"), ExplainError);
}

}  // namespace
