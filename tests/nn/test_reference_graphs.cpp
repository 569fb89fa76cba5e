// Model graphs of tools/make_graph_fixtures.py against PyTorch's own numbers: a residual MLP, a
// model of two inputs joined by concat, and a block with PyTorch's dotted names (LayerNorm and
// GELU inside): outputs, loss, every gradient (inputs included), and the weights after 10 Adam
// steps. float32 to 1e-5 relative, float64 to 1e-10.
#include "../test_util.h"
#include "scidl/nn/graph.h"
#include "scidl/nn/model_spec.h"
#include "scidl/optim/adam.h"

namespace scidl::testing {
namespace {

struct GraphCase {
  nlohmann::json fx;
  DType dtype;
  double rtol;
  nn::ModulePtr model;
  TensorDict inputs;
  Tensor target;
};

GraphCase load_case(const std::string& file, const std::string& name, DType dtype, double rtol) {
  GraphCase c{load_fixture("reference/" + file)["cases"][name], dtype, rtol, nullptr, {}, {}};
  nlohmann::json spec = c.fx["spec"];
  spec["dtype"] = dtype == DType::Float64 ? "float64" : "float32";
  c.model = nn::build_model(spec, 0);
  std::map<std::string, Tensor> state;
  for (auto& [n, t] : c.fx["params"].items()) state[n] = tensor_from_json(t, dtype);
  c.model->load_state_dict(state);  // strict: every PyTorch name is a scidl name
  for (auto& [n, t] : c.fx["inputs"].items()) c.inputs.set(n, tensor_from_json(t, dtype));
  c.target = tensor_from_json(c.fx["target"], dtype);
  return c;
}

using Param = std::tuple<std::string, std::string, DType, double>;
class ReferenceGraph : public ::testing::TestWithParam<Param> {
 protected:
  GraphCase load() const {
    auto [file, name, dtype, rtol] = GetParam();
    return load_case(file, name, dtype, rtol);
  }
};

TEST_P(ReferenceGraph, BuildsAGraphWithPyTorchsNames) {
  GraphCase c = load();
  EXPECT_NE(dynamic_cast<nn::Graph*>(c.model.get()), nullptr);
  std::vector<std::string> names;
  for (auto& [n, p] : c.model->named_parameters()) names.push_back(n);
  auto expected = c.fx["param_order"].get<std::vector<std::string>>();
  std::sort(names.begin(), names.end());
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(names, expected);
}

TEST_P(ReferenceGraph, ForwardLossAndEveryGradientMatchPyTorch) {
  GraphCase c = load();
  for (auto [n, t] : c.inputs) t.requires_grad_();  // a copy shares the tensor
  Tensor out = c.model->forward_batch(c.inputs);
  expect_close(out, c.fx["output"], c.rtol, "output", c.rtol * 1e-2);
  Tensor loss = mse_loss(out, c.target);
  EXPECT_NEAR(loss.item(), c.fx["loss"].get<double>(), c.rtol * c.fx["loss"].get<double>());
  loss.backward();
  for (auto& [n, p] : c.model->named_parameters())
    expect_close(p.grad(), c.fx["param_grads"][n], c.rtol, "grad " + n, c.rtol * 1e-2);
  for (auto& [n, t] : c.inputs)
    expect_close(t.grad(), c.fx["input_grads"][n], c.rtol, "input grad " + n, c.rtol * 1e-2);
}

TEST_P(ReferenceGraph, TenAdamStepsMatchPyTorch) {
  GraphCase c = load();
  optim::AdamOptions o;
  o.lr = c.fx["optimizer"]["lr"].get<double>();
  optim::Adam adam(c.model->parameters(), o);
  const auto losses = c.fx["losses"].get<std::vector<double>>();
  for (size_t step = 0; step < losses.size(); ++step) {
    adam.zero_grad();
    Tensor loss = mse_loss(c.model->forward_batch(c.inputs), c.target);
    EXPECT_NEAR(loss.item(), losses[step], c.rtol * 10 * losses[step]) << "step " << step;
    loss.backward();
    adam.step();
  }
  for (auto& [n, p] : c.model->named_parameters())
    expect_close(p, c.fx["params_after"][n], c.rtol * 10, "after 10 steps " + n, c.rtol * 1e-1);
}

std::vector<Param> all_cases() {
  std::vector<Param> out;
  for (const char* name : {"residual_mlp", "two_input", "dotted_block"}) {
    out.emplace_back("graph_models_float32.json", name, DType::Float32, 1e-5);
    out.emplace_back("graph_models_float64.json", name, DType::Float64, 1e-10);
  }
  return out;
}

INSTANTIATE_TEST_SUITE_P(Cases, ReferenceGraph, ::testing::ValuesIn(all_cases()),
                         [](const ::testing::TestParamInfo<Param>& info) {
                           return std::get<1>(info.param) +
                                  (std::get<2>(info.param) == DType::Float64 ? "_f64" : "_f32");
                         });

}  // namespace
}  // namespace scidl::testing
