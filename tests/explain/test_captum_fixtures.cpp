// scidl's attributions equal Captum 0.6.0's (tests/data/captum/attributions_float64.json, written
// by tools/make_captum_fixtures.py): saliency, input x gradient, integrated gradients for every
// rule, baseline kind and target kind with convergence deltas, and NoiseTunnel replayed with the
// noise Captum drew. All in float64, to 1e-5 relative.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "scidl/explain/explain.h"
#include "scidl/nn/model_spec.h"

namespace {

using namespace scidl;
using namespace scidl::explain;
using nlohmann::json;

Tensor tensor_from(const json& j) {
  Shape shape = j.at("shape").get<Shape>();
  return from_vector(j.at("data").get<std::vector<double>>(), shape);
}

const json& fixture() {
  static const json j = [] {
    std::ifstream in(std::string(SCIDL_TEST_DATA) + "/captum/attributions_float64.json");
    return json::parse(in);
  }();
  return j;
}

std::shared_ptr<nn::Sequential> fixture_model(const std::string& name) {
  const json& m = fixture().at("models").at(name);
  auto model = nn::build_sequential(m.at("spec"), 0);
  std::map<std::string, Tensor> state;
  for (const auto& [key, value] : m.at("params").items()) state[key] = tensor_from(value);
  model->load_state_dict(state);
  model->eval();
  return model;
}

Target target_from(const json& j) {
  if (j.is_null()) return Target();
  if (j.is_number_integer()) return Target(j.get<int64_t>());
  return Target(j.get<std::vector<int64_t>>());
}

Baseline baseline_from(const json& j, const Tensor& inputs) {
  const std::string kind = j.at("kind");
  if (kind == "zero") return Baseline::zero();
  if (kind == "scalar") return Baseline::scalar(j.at("value").get<double>());
  if (kind == "mean") return Baseline::dataset_mean(inputs);
  return Baseline::tensor(tensor_from(j.at("value")));
}

IntegratedGradientsOptions ig_options(const json& c, const Tensor& inputs) {
  IntegratedGradientsOptions o;
  o.n_steps = c.at("n_steps").get<int>();
  o.rule = parse_integration_rule(c.at("rule").get<std::string>());
  o.baseline = c.contains("baseline") ? baseline_from(c.at("baseline"), inputs) : Baseline::zero();
  o.internal_batch_size = c.value("internal_batch_size", int64_t{0});
  return o;
}

// Largest |actual - expected| / (|expected| + 1e-12 / 1e-5) over the elements; fails above 1e-5.
double expect_close(const Tensor& actual, const json& expected_json, const std::string& what) {
  Tensor expected = tensor_from(expected_json);
  EXPECT_EQ(actual.shape(), expected.shape()) << what;
  if (actual.shape() != expected.shape()) return INFINITY;
  auto a = actual.to_vector<double>(), e = expected.to_vector<double>();
  double worst = 0.0;
  for (size_t i = 0; i < a.size(); ++i) {
    const double err = std::abs(a[i] - e[i]) / (std::abs(e[i]) + 1e-7);
    worst = std::max(worst, err);
    EXPECT_NEAR(a[i], e[i], 1e-5 * std::abs(e[i]) + 1e-12) << what << " element " << i;
  }
  return worst;
}

class CaptumFixture : public ::testing::TestWithParam<size_t> {};

TEST_P(CaptumFixture, AttributionsMatchCaptum) {
  const json& c = fixture().at("cases").at(GetParam());
  auto model = fixture_model(c.at("model"));
  const Tensor inputs = tensor_from(fixture().at("inputs"));
  const Target target = target_from(c.at("target"));
  const std::string method = c.at("method"), name = c.at("name");
  if (method == "saliency") {
    expect_close(saliency(*model, inputs, target, {.absolute = c.at("abs").get<bool>()}),
                 c.at("attributions"), name);
  } else if (method == "input_x_gradient") {
    expect_close(input_x_gradient(*model, inputs, target), c.at("attributions"), name);
  } else if (method == "integrated_gradients") {
    auto result = integrated_gradients(*model, inputs, target, ig_options(c, inputs));
    expect_close(result.attributions, c.at("attributions"), name);
    // Deltas are differences of nearly equal sums: compare them absolutely, against the scale
    // of the attributions.
    Tensor expected_delta = tensor_from(c.at("delta"));
    auto d = result.convergence_delta.to_vector<double>(), e = expected_delta.to_vector<double>();
    ASSERT_EQ(d.size(), e.size()) << name;
    for (size_t i = 0; i < d.size(); ++i) EXPECT_NEAR(d[i], e[i], 1e-9) << name << " delta " << i;
  } else if (method == "noise_tunnel") {
    const std::string inner = c.at("inner");
    const json& args = c.at("inner_args");
    AttributionMethod run = [&](const Tensor& x, const Target& t) -> Tensor {
      if (inner == "saliency") return saliency(*model, x, t, {.absolute = args.value("abs", true)});
      if (inner == "input_x_gradient") return input_x_gradient(*model, x, t);
      IntegratedGradientsOptions o;
      o.n_steps = args.at("n_steps").get<int>();
      o.rule = parse_integration_rule(args.at("method").get<std::string>());
      return integrated_gradients(*model, x, t, o).attributions;
    };
    Tensor a = noise_tunnel_with_noise(run, inputs, target,
                                       parse_noise_tunnel_type(c.at("nt_type").get<std::string>()),
                                       tensor_from(c.at("noise")));
    expect_close(a, c.at("attributions"), name);
  } else {
    FAIL() << "unknown method " << method << " in fixture case " << name;
  }
}

std::string case_name(const ::testing::TestParamInfo<size_t>& info) {
  std::string name = fixture().at("cases").at(info.param).at("name");
  for (char& ch : name)
    if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
  return name;
}

INSTANTIATE_TEST_SUITE_P(Captum, CaptumFixture,
                         ::testing::Range<size_t>(0, fixture().at("cases").size()), case_name);

TEST(CaptumFixtureFile, CoversEveryMethodAndRule) {
  std::set<std::string> methods, rules;
  for (const auto& c : fixture().at("cases")) {
    methods.insert(c.at("method").get<std::string>());
    if (c.contains("rule")) rules.insert(c.at("rule").get<std::string>());
  }
  EXPECT_EQ(methods, (std::set<std::string>{"saliency", "input_x_gradient", "integrated_gradients",
                                            "noise_tunnel"}));
  EXPECT_EQ(rules.size(), integration_rule_names().size());
}

}  // namespace
