// The class scores an explanation can attribute (explain/class_score.h): each against its
// definition, integrated gradients complete on them, and clear errors.
#include <gtest/gtest.h>

#include <cmath>

#include "scidl/explain/class_score.h"
#include "scidl/explain/integrated_gradients.h"
#include "scidl/nn/model_spec.h"
#include "scidl/ops/ops.h"

namespace {

using namespace scidl;
using namespace scidl::explain;

TEST(ClassScore, EachScoreMatchesItsDefinition) {
  const std::vector<double> z{2.0, -1.0, 0.5, 0.3, 4.0, -2.0};  // two examples, three classes
  const Tensor logits = from_vector(z, {2, 3});
  const auto logit = class_scores(logits, ClassScore::Logit).to_vector<double>();
  const auto logp = class_scores(logits, ClassScore::LogProbability).to_vector<double>();
  const auto odds = class_scores(logits, ClassScore::LogOdds).to_vector<double>();
  for (int n = 0; n < 2; ++n) {
    double total = 0;
    for (int k = 0; k < 3; ++k) total += std::exp(z[size_t(3 * n + k)]);
    for (int c = 0; c < 3; ++c) {
      const size_t i = size_t(3 * n + c);
      const double p = std::exp(z[i]) / total;
      EXPECT_DOUBLE_EQ(logit[i], z[i]);
      EXPECT_NEAR(logp[i], std::log(p), 1e-12);
      EXPECT_NEAR(odds[i], std::log(p / (1 - p)), 1e-12);
    }
  }
  // Two classes: the log-odds is the logit difference, also where softmax saturates.
  const Tensor two = from_vector(std::vector<double>{300.0, -300.0}, {1, 2});
  const auto d = class_scores(two, ClassScore::LogOdds).to_vector<double>();
  EXPECT_DOUBLE_EQ(d[0], 600.0);
  EXPECT_DOUBLE_EQ(d[1], -600.0);
}

TEST(ClassScore, IntegratedGradientsOfTheLogOddsAreComplete) {
  nlohmann::json spec = {{"inputs", 4},
                         {"dtype", "float64"},
                         {"layers",
                          {{{"type", "dense"}, {"units", 8}, {"activation", "tanh"}},
                           {{"type", "dense"}, {"units", 3}}}}};
  auto model = nn::build_sequential(spec, 3);
  model->eval();
  Generator gen(5);
  const Tensor x = randn({3, 4}, DType::Float64, gen);
  for (ClassScore score : {ClassScore::LogProbability, ClassScore::LogOdds}) {
    ClassScoreModel scored(model, score);
    const auto result = integrated_gradients(scored, x, Target(1));
    for (double delta : result.convergence_delta.to_vector<double>())
      EXPECT_LT(std::abs(delta), 1e-6) << class_score_name(score);
    // Not the logit's attributions: the other classes' logits take part.
    const auto plain = integrated_gradients(*model, x, Target(1)).attributions;
    EXPECT_GT(max(abs(result.attributions - plain)).item(), 1e-3);
  }
}

TEST(ClassScore, BadNamesAndShapesAreRefusedPlainly) {
  try {
    parse_class_score("prob");
    FAIL() << "no error";
  } catch (const ExplainError& e) {
    EXPECT_NE(std::string(e.what()).find("logit, log_probability or log_odds, not 'prob'"),
              std::string::npos)
        << e.what();
  }
  EXPECT_EQ(parse_class_score("log_odds"), ClassScore::LogOdds);
  const Tensor one_output = from_vector(std::vector<double>{1.0, 2.0}, {2, 1});
  EXPECT_THROW(class_scores(one_output, ClassScore::LogOdds), ExplainError);
  EXPECT_NO_THROW(class_scores(one_output, ClassScore::Logit));
}

}  // namespace
