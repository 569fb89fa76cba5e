// The layers model graphs unlock, each against PyTorch's numbers (tools/make_graph_fixtures.py,
// float64, 1e-10): LayerNorm, GELU (both forms), SiLU, Embedding, Keras's Normalization after
// adapt, and the LSTM cell's two outputs with every gradient.
#include "../test_util.h"
#include "scidl/nn/model_spec.h"
#include "scidl/nn/normalization.h"

namespace scidl::testing {
namespace {

const nlohmann::json& cases() {
  static const nlohmann::json fx = load_fixture("reference/layers_float64.json")["cases"];
  return fx;
}

Shape example_shape(const Shape& s) { return Shape(s.begin() + 1, s.end()); }

// A one-layer model of the case's layer spec, its parameters loaded.
nn::ModulePtr layer_model(const nlohmann::json& c) {
  nlohmann::json spec{{"dtype", "float64"}, {"layers", {c["layer"]}}};
  spec["inputs"] = example_shape(c["input"]["shape"].get<Shape>());
  if (c["layer"]["type"] == "embedding") spec["inputs"] = c["input"]["shape"][1];
  auto model = nn::build_model(spec, 0);
  std::map<std::string, Tensor> state;
  for (auto& [n, t] : c["params"].items()) state["0." + n] = tensor_from_json(t, DType::Float64);
  if (!state.empty()) model->load_state_dict(state, false);
  return model;
}

class ReferenceLayer : public ::testing::TestWithParam<std::string> {};

TEST_P(ReferenceLayer, ForwardAndGradientsMatchPyTorch) {
  const auto& c = cases()[GetParam()];
  auto model = layer_model(c);
  const bool indices = c["layer"]["type"] == "embedding";
  Tensor x = tensor_from_json(c["input"], indices ? DType::Int64 : DType::Float64);
  if (c.contains("adapt_data")) {
    Tensor data = tensor_from_json(c["adapt_data"], DType::Float64);
    nn::adapt_normalization(*model, [&](const nn::BatchVisitor& visit) {
      visit({{"x", slice(data, 0, 0, 7)}});  // in two batches: the statistics combine
      visit({{"x", slice(data, 0, 7, 20)}});
    });
    auto buffers = model->state_dict();
    expect_close(buffers["0.mean"], c["buffers"]["mean"], 1e-12, "adapted mean", 1e-14);
    expect_close(buffers["0.variance"], c["buffers"]["variance"], 1e-12, "adapted variance", 1e-14);
  }
  if (!indices) x.requires_grad_();
  Tensor y = (*model)(x);
  expect_close(y, c["output"], 1e-10, "output", 1e-12);
  (sum(y * tensor_from_json(c["seed_grad"], DType::Float64))).backward();
  if (!indices) expect_close(x.grad(), c["input_grad"], 1e-10, "input grad", 1e-12);
  for (auto& [n, g] : c["param_grads"].items())
    expect_close(model->state_dict()["0." + n].grad(), g, 1e-10, "grad " + n, 1e-12);
}

INSTANTIATE_TEST_SUITE_P(Layers, ReferenceLayer,
                         ::testing::Values("layernorm", "layernorm_3d", "gelu", "gelu_tanh", "silu",
                                           "embedding", "normalization"));

TEST(ReferenceLstmCell, BothOutputsAndEveryGradientMatchPyTorch) {
  const auto& c = cases()["lstm_cell"];
  auto t = [&](const char* k) { return tensor_from_json(c[k], DType::Float64).requires_grad_(); };
  auto p = [&](const char* k) {
    return tensor_from_json(c["params"][k], DType::Float64).requires_grad_();
  };
  Tensor x = t("input"), h = t("h0"), cc = t("c0");
  Tensor w_ih = p("weight_ih"), w_hh = p("weight_hh"), b_ih = p("bias_ih"), b_hh = p("bias_hh");
  auto out = lstm_cell(x, h, cc, w_ih, w_hh, b_ih, b_hh);
  expect_close(out[0], c["h1"], 1e-10, "h1", 1e-12);
  expect_close(out[1], c["c1"], 1e-10, "c1", 1e-12);
  autograd::backward(out, {tensor_from_json(c["seed_grad_h"], DType::Float64),
                           tensor_from_json(c["seed_grad_c"], DType::Float64)});
  expect_close(x.grad(), c["input_grad"], 1e-10, "x grad", 1e-12);
  expect_close(h.grad(), c["h0_grad"], 1e-10, "h0 grad", 1e-12);
  expect_close(cc.grad(), c["c0_grad"], 1e-10, "c0 grad", 1e-12);
  expect_close(w_ih.grad(), c["param_grads"]["weight_ih"], 1e-10, "weight_ih grad", 1e-12);
  expect_close(w_hh.grad(), c["param_grads"]["weight_hh"], 1e-10, "weight_hh grad", 1e-12);
  expect_close(b_ih.grad(), c["param_grads"]["bias_ih"], 1e-10, "bias_ih grad", 1e-12);
  expect_close(b_hh.grad(), c["param_grads"]["bias_hh"], 1e-10, "bias_hh grad", 1e-12);
}

TEST(Normalization, RefusesToRunBeforeAdapt) {
  auto model = nn::build_model({{"inputs", 3}, {"layers", {{{"type", "normalization"}}}}}, 0);
  try {
    (*model)(zeros({2, 3}));
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("never adapted"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace scidl::testing
