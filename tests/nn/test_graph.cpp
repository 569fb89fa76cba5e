// Model graphs from specs: what a graph refuses (a missing name, a cycle, an unused layer or
// input, shapes that do not join), with the layer and shapes named; the fusion pass inside a
// graph; PyTorch's dotted names through safetensors; the summary.
#include "../test_util.h"
#include "scidl/autograd/node.h"
#include "scidl/backend/cpu/dense_kernels.h"
#include "scidl/nn/fusion.h"
#include "scidl/nn/graph.h"
#include "scidl/nn/model_io.h"
#include "scidl/nn/model_spec.h"

namespace scidl::testing {
namespace {

using nlohmann::json;

json residual_spec() {
  return json::parse(R"({"inputs": 5, "layers": [
    {"name": "h1", "type": "dense", "units": 16, "activation": "relu"},
    {"name": "h2", "type": "dense", "units": 16, "activation": "tanh", "inputs": ["h1"]},
    {"name": "r", "type": "add", "inputs": ["h1", "h2"]},
    {"name": "out", "type": "dense", "units": 3, "inputs": ["r"]}]})");
}

// The message build_model gives for `spec`, which must be refused.
std::string refusal(const json& spec) {
  try {
    nn::build_model(spec, 0);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  ADD_FAILURE() << "accepted " << spec.dump();
  return "";
}

void expect_mentions(const std::string& message, const std::vector<std::string>& parts) {
  for (const auto& p : parts)
    EXPECT_NE(message.find(p), std::string::npos) << "'" << p << "' not in: " << message;
}

TEST(GraphSpec, AMissingLayerIsNamedWithTheReader) {
  json spec = residual_spec();
  spec["layers"][2]["inputs"] = {"h1", "h9"};
  expect_mentions(refusal(spec), {"'r'", "'h9'", "neither a model input"});
}

TEST(GraphSpec, ACycleNamesItsLayers) {
  json spec = residual_spec();
  spec["layers"][0]["inputs"] = {"h2"};  // h1 <- h2 <- h1
  expect_mentions(refusal(spec), {"cycle", "h1", "h2"});
}

TEST(GraphSpec, AnUnusedLayerIsNamed) {
  json spec = residual_spec();
  spec["layers"].push_back(json::parse(R"({"name": "spare", "type": "dense", "units": 2,
                                           "inputs": ["h1"]})"));
  spec["output"] = "out";
  expect_mentions(refusal(spec), {"'spare'", "unused", "'out'"});
}

TEST(GraphSpec, AnUnusedModelInputIsNamed) {
  json spec = residual_spec();
  spec["inputs"] = {{"x", 5}, {"c", 2}};
  spec["layers"][0]["inputs"] = {"x"};
  expect_mentions(refusal(spec), {"'c'", "unused"});
}

TEST(GraphSpec, AddOfShapesThatDoNotFitNamesTheLayerAndBothShapes) {
  json spec = residual_spec();
  spec["layers"][1]["units"] = 8;
  expect_mentions(refusal(spec), {"'r'", "h1 [16]", "h2 [8]", "one shape"});
}

TEST(GraphSpec, ConcatOfShapesThatDoNotFitNamesTheLayerAndBothShapes) {
  json spec = json::parse(R"({"inputs": {"x": [2, 3], "c": [4, 5]}, "layers": [
    {"name": "j", "type": "concat", "inputs": ["x", "c"]},
    {"name": "f", "type": "flatten"}, {"name": "out", "type": "dense", "units": 1}]})");
  expect_mentions(refusal(spec), {"'j'", "[2, 3]", "[4, 5]"});
}

TEST(GraphSpec, ALayerOfOneInputReadingTwoIsRefused) {
  json spec = residual_spec();
  spec["layers"][3]["inputs"] = {"h1", "h2"};
  expect_mentions(refusal(spec), {"'out'", "takes one input", "add or concat"});
}

TEST(GraphSpec, RepeatedNamesAndBadNamesAreRefused) {
  json spec = residual_spec();
  spec["layers"][1]["name"] = "h1";
  expect_mentions(refusal(spec), {"'h1'", "already taken"});
  spec = residual_spec();
  spec["layers"][1]["name"] = "h 2";
  expect_mentions(refusal(spec), {"'h 2'", "not a layer name"});
}

TEST(GraphSpec, MergesInAStackAskForNames) {
  json spec{{"inputs", 3}, {"layers", {{{"type", "add"}}}}};
  expect_mentions(refusal(spec), {"add joins several inputs", "inputs = "});
}

TEST(Graph, RunsOfDenseLayersInsideAGraphFuseLikeAStack) {
  if (!backend::cpu::dense::enabled()) GTEST_SKIP() << kernels_off("dense");
  json spec = json::parse(R"({"inputs": 5, "layers": [
    {"name": "a", "type": "dense", "units": 16, "activation": "relu"},
    {"name": "b", "type": "dense", "units": 16, "activation": "relu"},
    {"name": "c", "type": "dense", "units": 16, "activation": "tanh"},
    {"name": "skip", "type": "add", "inputs": ["a", "c"]},
    {"name": "d", "type": "dense", "units": 8, "activation": "relu"},
    {"name": "e", "type": "dense", "units": 2}]})");
  auto graph = nn::build_model(spec, 3);
  Tensor x = uniform({64, 5}, -1, 1).requires_grad_();
  Tensor y = (*graph)(x);
  // d and e (a run after the add) are one dense_chain node; b and c another, after a, which
  // two layers read.
  EXPECT_EQ(std::string(y.grad_fn()->name()), "dense_chain");
  auto& g = dynamic_cast<nn::Graph&>(*graph);
  EXPECT_TRUE(g.as_chain().empty());  // not one chain: no whole-model fused step
  auto chain = nn::build_model(json::parse(R"({"inputs": 5, "layers": [
    {"name": "a", "type": "dense", "units": 16, "activation": "relu"},
    {"name": "b", "type": "dense", "units": 2, "inputs": ["a"]}]})"),
                               3);
  EXPECT_EQ(chain->as_chain().size(), 3u);  // Linear, ReLU, Linear: the fused step applies
  EXPECT_TRUE(nn::whole_dense_chain(*chain, x).has_value());
}

TEST(Graph, GraphAndStackOfTheSameLayersAgree) {
  auto stack = nn::build_model(json::parse(R"({"inputs": 4, "layers": [
    {"type": "dense", "units": 8, "activation": "tanh"}, {"type": "dense", "units": 3}]})"),
                               9);
  auto graph = nn::build_model(json::parse(R"({"inputs": 4, "layers": [
    {"name": "0", "type": "dense", "units": 8, "activation": "tanh"},
    {"name": "2", "type": "dense", "units": 3}]})"),
                               9);
  graph->load_state_dict(stack->state_dict());  // "0.weight", "2.weight": the same names
  Tensor x = uniform({6, 4}, -1, 1);
  expect_close((*graph)(x), (*stack)(x), "graph vs stack", 1e-6);
}

TEST(Graph, DottedNamesRoundTripThroughSafetensors) {
  json spec = load_fixture("reference/graph_models_float32.json")["cases"]["dotted_block"]["spec"];
  auto model = nn::build_model(spec, 1);
  TempDir dir("graph_safetensors");
  io::export_safetensors(dir.path / "w.safetensors", *model);
  auto other = nn::build_model(spec, 2);
  io::import_safetensors(dir.path / "w.safetensors", *other);
  const auto names = other->state_dict();
  EXPECT_TRUE(names.count("block1.linear.weight"));
  EXPECT_TRUE(names.count("block1.norm.bias"));
  for (const auto& [n, t] : model->state_dict()) expect_close(names.at(n), t, n, 0);
  io::save_model(dir.path / "m.scidl", *model, spec);
  auto loaded = io::load_model(dir.path / "m.scidl");
  Tensor x = uniform({3, 4}, -1, 1);
  expect_close((*loaded.model)(x), (*model)(x), "loaded graph", 0);
  expect_mentions(loaded.model->summary(),
                  {"block1.linear: Linear(4 -> 4) <- [x]", "r: Add <- [x, g]", "head"});
}

TEST(Graph, ABatchWithoutAnInputTheModelReadsIsRefused) {
  auto model = nn::build_model(json::parse(R"({"inputs": {"x": 2, "c": 1}, "layers": [
    {"name": "j", "type": "concat", "inputs": ["x", "c"]}, {"name": "o", "type": "dense", "units": 1}]})"),
                               0);
  try {
    model->forward_batch({{"x", zeros({3, 2})}});
    FAIL();
  } catch (const std::invalid_argument& e) {
    expect_mentions(e.what(), {"'c'", "[x]"});
  }
  try {
    (*model)(zeros({3, 2}));
    FAIL();
  } catch (const std::invalid_argument& e) {
    expect_mentions(e.what(), {"2 inputs", "named tensors"});
  }
}

}  // namespace
}  // namespace scidl::testing

namespace scidl::testing {
namespace {

TEST(GraphModelFile, StacksStayVersionOneGraphsAreVersionTwoAndNewerIsRefused) {
  TempDir dir("graph_versions");
  const auto stack_spec =
      nlohmann::json::parse(R"({"inputs": 2, "layers": [{"type": "dense", "units": 1}]})");
  io::save_model(dir.path / "stack.scidl", *nn::build_model(stack_spec, 0), stack_spec);
  nlohmann::json meta;
  io::load_tensors(dir.path / "stack.scidl", &meta);
  EXPECT_FALSE(meta.contains("model_spec_version"));  // older scidl still reads it

  const auto spec = residual_spec();
  auto model = nn::build_model(spec, 0);
  io::save_model(dir.path / "graph.scidl", *model, spec);
  io::load_tensors(dir.path / "graph.scidl", &meta);
  EXPECT_EQ(meta["model_spec_version"], 2);
  EXPECT_NO_THROW(io::load_model(dir.path / "graph.scidl"));

  meta["model_spec_version"] = 3;  // a file from a future scidl
  io::save_tensors(dir.path / "future.scidl", model->state_dict(), meta);
  try {
    io::load_model(dir.path / "future.scidl");
    FAIL();
  } catch (const std::runtime_error& e) {
    expect_mentions(e.what(), {"future.scidl", "spec version 3", "versions 1 to 2"});
  }
}

}  // namespace
}  // namespace scidl::testing
