// LSTM and GRU layers against PyTorch (tools/make_recurrent_fixtures.py): one and two layers,
// initial states, time-first input, the GRU cell, and the lecture-shaped regressor (an LSTM over
// windows of 2-D points and a dense head) through 10 Adam steps. float32 to 1e-5, float64 to
// 1e-10, for outputs, final states and every gradient.
#include "../test_util.h"
#include "scidl/nn/model_spec.h"
#include "scidl/nn/recurrent.h"
#include "scidl/optim/adam.h"

namespace scidl::testing {
namespace {

using Param = std::tuple<std::string, DType, double>;

const char* file_of(DType d) {
  return d == DType::Float64 ? "reference/recurrent_float64.json"
                             : "reference/recurrent_float32.json";
}

// Elementwise to rtol, and to rtol of the tensor's largest magnitude: a gradient summed over
// time steps and batch rows has small elements whose float32 rounding is that of the large ones.
void expect_matches(const Tensor& actual, const nlohmann::json& expected, double rtol,
                    const std::string& what) {
  double scale = 0;
  for (double v : expected.at("data").get<std::vector<double>>())
    scale = std::max(scale, std::abs(v));
  expect_close(actual, expected, rtol, what, rtol * scale);
}

class ReferenceRecurrent : public ::testing::TestWithParam<Param> {};

TEST_P(ReferenceRecurrent, OutputsStatesAndEveryGradientMatchPyTorch) {
  const auto [name, dtype, rtol] = GetParam();
  const auto c = load_fixture(file_of(dtype))["cases"][name];
  const double atol = rtol * 1e-2;
  auto t = [&](const char* k) {
    return c.contains(k) ? tensor_from_json(c[k], dtype).requires_grad_() : Tensor();
  };
  Tensor x = t("input"), h0 = t("h0"), c0 = t("c0");
  nlohmann::json spec{{"layers", {c["layer"]}},
                      {"dtype", dtype == DType::Float64 ? "float64" : "float32"}};
  spec["inputs"] = Shape(x.shape().begin() + 1, x.shape().end());
  auto model = nn::build_sequential(spec, 0);
  std::map<std::string, Tensor> state;
  for (auto& [n, v] : c["params"].items()) state["0." + n] = tensor_from_json(v, dtype);
  model->load_state_dict(state);
  auto& layer = dynamic_cast<nn::Recurrent&>(model->at(0));
  const auto s = layer.run(x, h0, c0);
  expect_close(s.output, c["output"], rtol, "output", atol);
  expect_close(s.h_n, c["h_n"], rtol, "h_n", atol);
  std::vector<Tensor> outs{s.output, s.h_n},
      seeds{tensor_from_json(c["seed_output"], dtype), tensor_from_json(c["seed_h_n"], dtype)};
  if (c.contains("c_n")) {
    expect_close(s.c_n, c["c_n"], rtol, "c_n", atol);
    outs.push_back(s.c_n);
    seeds.push_back(tensor_from_json(c["seed_c_n"], dtype));
  }
  autograd::backward(outs, seeds);
  expect_close(x.grad(), c["input_grad"], rtol, "input grad", atol);
  if (h0.defined()) expect_close(h0.grad(), c["h0_grad"], rtol, "h0 grad", atol);
  if (c0.defined()) expect_close(c0.grad(), c["c0_grad"], rtol, "c0 grad", atol);
  for (auto& [n, g] : c["param_grads"].items())
    expect_matches(model->state_dict().at("0." + n).grad(), g, rtol, "grad " + n);
}

std::vector<Param> layer_cases() {
  std::vector<Param> out;
  for (const char* n : {"lstm_one_layer", "lstm_two_layers_states", "lstm_time_first",
                        "gru_one_layer", "gru_two_layers_states"}) {
    out.emplace_back(n, DType::Float32, 1e-5);
    out.emplace_back(n, DType::Float64, 1e-10);
  }
  return out;
}

std::string param_name(const ::testing::TestParamInfo<Param>& info) {
  return std::get<0>(info.param) + (std::get<1>(info.param) == DType::Float64 ? "_f64" : "_f32");
}

INSTANTIATE_TEST_SUITE_P(Layers, ReferenceRecurrent, ::testing::ValuesIn(layer_cases()),
                         param_name);

TEST(ReferenceGruCell, OutputAndEveryGradientMatchPyTorch) {
  const auto c = load_fixture(file_of(DType::Float64))["cases"]["gru_cell"];
  auto t = [&](const nlohmann::json& j) {
    return tensor_from_json(j, DType::Float64).requires_grad_();
  };
  Tensor x = t(c["input"]), h = t(c["h0"]);
  Tensor w_ih = t(c["params"]["weight_ih"]), w_hh = t(c["params"]["weight_hh"]);
  Tensor b_ih = t(c["params"]["bias_ih"]), b_hh = t(c["params"]["bias_hh"]);
  Tensor h1 = gru_cell(x, h, w_ih, w_hh, b_ih, b_hh);
  expect_close(h1, c["h1"], 1e-10, "h1", 1e-12);
  h1.backward(tensor_from_json(c["seed_h1"], DType::Float64));
  expect_close(x.grad(), c["input_grad"], 1e-10, "x grad", 1e-12);
  expect_close(h.grad(), c["h0_grad"], 1e-10, "h0 grad", 1e-12);
  expect_close(w_ih.grad(), c["param_grads"]["weight_ih"], 1e-10, "weight_ih grad", 1e-12);
  expect_close(w_hh.grad(), c["param_grads"]["weight_hh"], 1e-10, "weight_hh grad", 1e-12);
  expect_close(b_ih.grad(), c["param_grads"]["bias_ih"], 1e-10, "bias_ih grad", 1e-12);
  expect_close(b_hh.grad(), c["param_grads"]["bias_hh"], 1e-10, "bias_hh grad", 1e-12);
}

class ReferenceLstmRegressor : public ::testing::TestWithParam<std::tuple<DType, double>> {};

TEST_P(ReferenceLstmRegressor, GradientsAndTenAdamStepsMatchPyTorch) {
  const auto [dtype, rtol] = GetParam();
  const auto c = load_fixture(file_of(dtype))["cases"]["lstm_regressor"];
  nlohmann::json spec = c["spec"];
  spec["dtype"] = dtype == DType::Float64 ? "float64" : "float32";
  auto model = nn::build_model(spec, 0);
  std::map<std::string, Tensor> state;
  for (auto& [n, v] : c["params"].items()) state[n] = tensor_from_json(v, dtype);
  model->load_state_dict(state);  // "0.weight_ih_l0", "1.weight": PyTorch's names
  Tensor x = tensor_from_json(c["input"], dtype).requires_grad_();
  Tensor y = tensor_from_json(c["target"], dtype);
  Tensor out = (*model)(x);
  expect_close(out, c["output"], rtol, "output", rtol * 1e-2);
  Tensor loss = mse_loss(out, y);
  loss.backward();
  expect_close(x.grad(), c["input_grad"], rtol, "input grad", rtol * 1e-2);
  for (auto& [n, p] : model->named_parameters())
    expect_close(p.grad(), c["param_grads"][n], rtol, "grad " + n, rtol * 1e-2);
  for (auto& p : model->parameters()) p.zero_grad();
  optim::AdamOptions o;
  o.lr = c["optimizer"]["lr"].get<double>();
  optim::Adam adam(model->parameters(), o);
  const auto losses = c["losses"].get<std::vector<double>>();
  for (size_t step = 0; step < losses.size(); ++step) {
    adam.zero_grad();
    Tensor l = mse_loss((*model)(x.detach()), y);
    EXPECT_NEAR(l.item(), losses[step], rtol * 10 * losses[step]) << "step " << step;
    l.backward();
    adam.step();
  }
  for (auto& [n, p] : model->named_parameters())
    expect_close(p, c["params_after"][n], rtol * 10, "after 10 steps " + n, rtol * 1e-1);
}

INSTANTIATE_TEST_SUITE_P(Dtypes, ReferenceLstmRegressor,
                         ::testing::Values(std::make_tuple(DType::Float32, 1e-5),
                                           std::make_tuple(DType::Float64, 1e-10)));

TEST(RecurrentSpec, SequencesOfTheWrongShapeAreRefusedNamingTheLayer) {
  try {
    nn::build_model({{"inputs", 3}, {"layers", {{{"type", "lstm"}, {"units", 4}}}}}, 0);
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("model.layers[0]: lstm needs sequences"),
              std::string::npos)
        << e.what();
  }
  auto model =
      nn::build_model({{"inputs", {10, 2}}, {"layers", {{{"type", "gru"}, {"units", 4}}}}}, 0);
  try {
    (*model)(zeros({3, 10, 5}));
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("2 features, got [3, 10, 5]"), std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace scidl::testing
