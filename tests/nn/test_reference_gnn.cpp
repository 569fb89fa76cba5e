// Graph layers against PyTorch Geometric (tools/make_gnn_fixtures.py): GraphConv (add, mean,
// max; weighted and not), GCNConv (plain, improved, unweighted), GINConv (trainable eps or not),
// the global pools and the raw scatters, on a batch of three graphs with self-loops, a duplicate
// edge and an isolated node; then a small graph classifier through 5 Adam steps. float32 to
// 1e-5, float64 to 1e-10, for outputs and every gradient (inputs, edge weights, parameters).
#include "../test_util.h"
#include "scidl/nn/activation.h"
#include "scidl/nn/graph_conv.h"
#include "scidl/nn/sequential.h"
#include "scidl/ops/ops.h"
#include "scidl/optim/adam.h"

namespace scidl::testing {
namespace {

using Param = std::tuple<std::string, DType, double>;

const nlohmann::json& fixture(DType d) {
  static const nlohmann::json f32 = load_fixture("reference/gnn_float32.json");
  static const nlohmann::json f64 = load_fixture("reference/gnn_float64.json");
  return d == DType::Float64 ? f64 : f32;
}

void expect_matches(const Tensor& actual, const nlohmann::json& expected, double rtol,
                    const std::string& what) {
  double scale = 0;
  for (double v : expected.at("data").get<std::vector<double>>())
    scale = std::max(scale, std::abs(v));
  expect_close(actual, expected, rtol, what, rtol * scale);
}

struct Inputs {
  Tensor x, edge_index, edge_weight, batch;
  int64_t num_graphs = 0;
  nn::GraphBatch graph(bool weighted) const {
    TensorDict d{{"edge_index", edge_index}, {"batch", batch}};
    if (weighted) d.set("edge_weight", edge_weight);
    return nn::GraphBatch::from(d, x.shape()[0]);
  }
};

Inputs graph_inputs(DType dtype) {
  const auto& g = fixture(dtype)["graph"];
  Inputs in;
  in.x = tensor_from_json(g["x"], dtype).requires_grad_();
  in.edge_index = tensor_from_json(g["edge_index"], DType::Int64);
  in.edge_weight = tensor_from_json(g["edge_weight"], dtype).requires_grad_();
  in.batch = tensor_from_json(g["batch"], DType::Int64);
  in.num_graphs = g["num_graphs"].get<int64_t>();
  return in;
}

// Loads PyG's parameters (and buffers) by name.
void load_params(nn::Module& m, const nlohmann::json& params, DType dtype) {
  auto state = m.state_dict();
  for (const auto& [name, value] : params.items()) {
    ASSERT_TRUE(state.count(name)) << "no parameter " << name << " in " << m.describe();
    NoGradGuard raw;
    state.at(name).copy_(tensor_from_json(value, dtype));
  }
}

nn::ModulePtr make_layer(const nlohmann::json& c, DType dtype) {
  const std::string type = c["layer"];
  const auto& a = c["args"];
  if (type == "GraphConv")
    return std::make_shared<nn::GraphConv>(a["in_channels"], a["out_channels"], a["aggr"],
                                           a["bias"], dtype);
  if (type == "GCNConv")
    return std::make_shared<nn::GCNConv>(
        a["in_channels"], a["out_channels"],
        nn::GcnOptions{a["improved"], a["cached"],
                       a["add_self_loops"].is_null() || a["add_self_loops"].get<bool>(),
                       a["normalize"], a["bias"]},
        dtype);
  if (type == "GINConv") {
    std::vector<nn::ModulePtr> mlp;
    for (const auto& l : a["nn"]) {
      if (l["type"] == "Linear")
        mlp.push_back(std::make_shared<nn::Linear>(l["in_features"], l["out_features"],
                                                   nn::LinearOptions{l["bias"], {}, dtype}));
      else
        mlp.push_back(std::make_shared<nn::ReLU>());
    }
    return std::make_shared<nn::GINConv>(std::make_shared<nn::Sequential>(mlp),
                                         a["nn"][0]["in_features"], a["eps"], a["train_eps"],
                                         dtype);
  }
  const std::string pool = type.substr(7, type.size() - 12);  // global_<reduce>_pool
  return std::make_shared<nn::GlobalPool>(pool);
}

class ReferenceGnn : public ::testing::TestWithParam<Param> {};

TEST_P(ReferenceGnn, OutputAndEveryGradientMatchPyG) {
  const auto [name, dtype, rtol] = GetParam();
  const auto& c = fixture(dtype)["cases"][name];
  Inputs in = graph_inputs(dtype);
  const auto& inputs = c["inputs"];
  const bool weighted = std::find(inputs.begin(), inputs.end(), "edge_weight") != inputs.end();
  auto layer = make_layer(c, dtype);
  if (c.contains("params")) load_params(*layer, c["params"], dtype);
  auto* graph_layer = dynamic_cast<nn::GraphModule*>(layer.get());
  ASSERT_NE(graph_layer, nullptr);
  Tensor out = graph_layer->forward_graph(in.x, in.graph(weighted));
  expect_matches(out, c["output"], rtol, name + " output");
  sum(out * tensor_from_json(c["seed_grad"], dtype)).backward();
  expect_matches(in.x.grad(), c["x_grad"], rtol, name + " x grad");
  if (c.contains("edge_weight_grad"))
    expect_matches(in.edge_weight.grad(), c["edge_weight_grad"], rtol, name + " edge_weight grad");
  if (c.contains("param_grads")) {
    auto state = layer->state_dict();
    for (const auto& [p, g] : c["param_grads"].items())
      expect_matches(state.at(p).grad(), g, rtol, name + " " + p + " grad");
  }
}

std::vector<Param> layer_cases() {
  std::vector<Param> out;
  for (const char* n :
       {"graph_conv_add", "graph_conv_mean", "graph_conv_max", "graph_conv_add_unweighted", "gcn",
        "gcn_improved", "gcn_unweighted", "gcn_improved_unweighted", "gin_train_eps", "gin_eps0",
        "global_add_pool", "global_mean_pool", "global_max_pool"}) {
    out.emplace_back(n, DType::Float32, 1e-5);
    out.emplace_back(n, DType::Float64, 1e-10);
  }
  return out;
}

INSTANTIATE_TEST_SUITE_P(PyG, ReferenceGnn, ::testing::ValuesIn(layer_cases()),
                         [](const auto& info) {
                           return std::get<0>(info.param) +
                                  (std::get<1>(info.param) == DType::Float64 ? "_f64" : "_f32");
                         });

class ReferenceScatter : public ::testing::TestWithParam<Param> {};

TEST_P(ReferenceScatter, SegmentReductionsMatchPyG) {
  const auto [name, dtype, rtol] = GetParam();
  const auto& c = fixture(dtype)["cases"][name];
  Tensor src = tensor_from_json(c["src"], dtype).requires_grad_();
  Tensor index = tensor_from_json(c["index"], DType::Int64);
  Tensor out = scatter_reduce_rows(src, index, c["args"]["dim_size"], c["args"]["reduce"]);
  expect_matches(out, c["output"], rtol, name);
  sum(out * tensor_from_json(c["seed_grad"], dtype)).backward();
  expect_matches(src.grad(), c["src_grad"], rtol, name + " src grad");
}

INSTANTIATE_TEST_SUITE_P(PyG, ReferenceScatter,
                         ::testing::Values(Param{"scatter_sum", DType::Float64, 1e-10},
                                           Param{"scatter_mean", DType::Float64, 1e-10},
                                           Param{"scatter_max", DType::Float64, 1e-10},
                                           Param{"scatter_max", DType::Float32, 1e-5}),
                         [](const auto& info) {
                           return std::get<0>(info.param) +
                                  (std::get<1>(info.param) == DType::Float64 ? "_f64" : "_f32");
                         });

// The lecture's network in small: GraphConv-ReLU twice, add pool, Linear-ReLU, Linear; cross
// entropy; then 5 Adam steps. Parameters are matched by PyG's order (conv1.lin_rel.weight, ...).
class ReferenceGraphClassifier : public ::testing::TestWithParam<Param> {};

TEST_P(ReferenceGraphClassifier, LossGradientsAndFiveAdamStepsMatchPyG) {
  const auto [unused, dtype, rtol] = GetParam();
  const auto& c = fixture(dtype)["cases"]["graph_classifier"];
  Inputs in = graph_inputs(dtype);
  auto model = std::make_shared<nn::Sequential>(std::vector<nn::ModulePtr>{
      std::make_shared<nn::GraphConv>(5, 8, "add", true, dtype), std::make_shared<nn::ReLU>(),
      std::make_shared<nn::GraphConv>(8, 8, "add", true, dtype), std::make_shared<nn::ReLU>(),
      std::make_shared<nn::GlobalPool>("add"),
      std::make_shared<nn::Linear>(8, 8, nn::LinearOptions{true, {}, dtype}),
      std::make_shared<nn::ReLU>(),
      std::make_shared<nn::Linear>(8, 2, nn::LinearOptions{true, {}, dtype})});
  auto params = model->parameters();
  const auto order = c["param_order"].get<std::vector<std::string>>();
  ASSERT_EQ(params.size(), order.size());
  {
    NoGradGuard raw;
    for (size_t i = 0; i < order.size(); ++i)
      params[i].copy_(tensor_from_json(c["params"][order[i]], dtype));
  }
  const TensorDict batch{{"x", in.x},
                         {"edge_index", in.edge_index},
                         {"edge_weight", in.edge_weight},
                         {"batch", in.batch}};
  const Tensor labels = tensor_from_json(c["labels"], DType::Int64);
  Tensor logits = model->forward_batch(batch);
  expect_matches(logits, c["output"], rtol, "logits");
  Tensor loss = cross_entropy(logits, labels);
  EXPECT_NEAR(loss.item(), c["loss"].get<double>(), rtol * 10);
  loss.backward();
  expect_matches(in.x.grad(), c["x_grad"], rtol, "x grad");
  expect_matches(in.edge_weight.grad(), c["edge_weight_grad"], rtol, "edge_weight grad");
  for (size_t i = 0; i < order.size(); ++i)
    expect_matches(params[i].grad(), c["param_grads"][order[i]], rtol, order[i] + " grad");
  optim::AdamOptions o;
  o.lr = c["optimizer"]["lr"];
  optim::Adam adam(params, o);
  for (int step = 0; step < c["steps"].get<int>(); ++step) {
    adam.zero_grad();
    Tensor l = cross_entropy(model->forward_batch(batch), labels);
    EXPECT_NEAR(l.item(), c["losses"][step].get<double>(), rtol * 10) << "step " << step;
    l.backward();
    adam.step();
  }
  for (size_t i = 0; i < order.size(); ++i)
    expect_matches(params[i], c["params_after"][order[i]], rtol * 10, order[i] + " after Adam");
}

INSTANTIATE_TEST_SUITE_P(PyG, ReferenceGraphClassifier,
                         ::testing::Values(Param{"f32", DType::Float32, 1e-5},
                                           Param{"f64", DType::Float64, 1e-10}),
                         [](const auto& info) { return std::get<0>(info.param); });

}  // namespace
}  // namespace scidl::testing
