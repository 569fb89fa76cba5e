// TensorBoard as Keras fills it beyond scalars: the model's graph on the GRAPHS tab (one node per
// layer with its op and output shape, a graph model's real edges) and an image classifier's
// validation examples with their predictions on the IMAGES tab, read back with our reader.
#include <gtest/gtest.h>

#include <map>

#include "../test_util.h"
#include "scidl/io/tensorboard_reader.h"
#include "scidl/nn/model_spec.h"
#include "scidl/ops/random_ops.h"
#include "scidl/optim/sgd.h"
#include "scidl/train/callbacks/model_graph.h"
#include "scidl/train/callbacks/tensorboard.h"
#include "scidl/train/trainer.h"

namespace scidl::testing {
namespace {

using nlohmann::json;

std::vector<io::Event> events_in(const std::filesystem::path& logdir) {
  auto files = io::find_event_files(logdir);
  EXPECT_EQ(files.size(), 1u) << logdir;
  return io::read_tensorboard_events(files.at(0));
}

std::map<std::string, io::GraphNode> by_name(const std::vector<io::GraphNode>& nodes) {
  std::map<std::string, io::GraphNode> out;
  for (const auto& n : nodes) out[n.name] = n;
  return out;
}

TEST(TensorBoardPictures, WriterGraphAndImageReadBackFieldByField) {
  TempDir dir("tb_graph_image");
  const std::vector<io::GraphNode> nodes{
      {"x", "Input", {}, {-1, 5}, {}},
      {"h1", "Linear", {"x"}, {-1, 16}, {{"description", "Linear(5 -> 16)"}}},
      {"r", "Add", {"x", "h1"}, {}, {}}};
  io::RgbImage image{3, 2, std::vector<uint8_t>(18, 200)};
  {
    io::TensorBoardWriter w(dir.path);
    w.add_graph(nodes);
    w.add_image("examples", image, 7);
  }
  const auto events = events_in(dir.path);
  ASSERT_EQ(events.size(), 3u);
  ASSERT_TRUE(events[1].graph.has_value());
  const auto back = by_name(*events[1].graph);
  ASSERT_EQ(back.size(), 3u);
  EXPECT_EQ(back.at("h1").op, "Linear");
  EXPECT_EQ(back.at("h1").inputs, std::vector<std::string>{"x"});
  EXPECT_EQ(back.at("h1").output_shape, (std::vector<int64_t>{-1, 16}));
  EXPECT_EQ(back.at("h1").attrs.at("description"), "Linear(5 -> 16)");
  EXPECT_EQ(back.at("r").inputs, (std::vector<std::string>{"x", "h1"}));
  EXPECT_TRUE(back.at("r").output_shape.empty());
  ASSERT_EQ(events[2].values.size(), 1u);
  const auto& v = events[2].values[0];
  EXPECT_EQ(v.tag, "examples");
  EXPECT_EQ(events[2].step, 7);
  ASSERT_TRUE(v.image.has_value());
  EXPECT_EQ(v.image->width, 3);
  EXPECT_EQ(v.image->height, 2);
  EXPECT_EQ(v.image->colorspace, 3);
  EXPECT_EQ(v.image->encoded, io::encode_png(image));
}

TEST(TensorBoardPictures, AGraphModelsNodesFollowItsRealEdgesWithOutputShapes) {
  auto model = nn::build_model(json::parse(R"({"inputs": 5, "layers": [
    {"name": "h1", "type": "dense", "units": 16, "activation": "relu"},
    {"name": "h2", "type": "dense", "units": 16, "activation": "tanh", "inputs": ["h1"]},
    {"name": "r", "type": "add", "inputs": ["h1", "h2"]},
    {"name": "out", "type": "dense", "units": 3, "inputs": ["r"]}]})"),
                               1);
  data::Dataset d;
  d.x = rand({4, 5});
  d.y = rand({4, 3});
  model->train(true);
  const auto nodes = by_name(train::model_graph(*model, &d));
  EXPECT_TRUE(model->is_training()) << "the training flag is left as it was";
  ASSERT_EQ(nodes.size(), 5u);
  EXPECT_EQ(nodes.at("x").op, "Input");
  EXPECT_EQ(nodes.at("x").output_shape, (std::vector<int64_t>{-1, 5}));
  EXPECT_EQ(nodes.at("h1").op, "Linear");
  EXPECT_EQ(nodes.at("h1").attrs.at("activation"), "ReLU");
  EXPECT_EQ(nodes.at("r").inputs, (std::vector<std::string>{"h1", "h2"}));
  EXPECT_EQ(nodes.at("r").output_shape, (std::vector<int64_t>{-1, 16}));
  EXPECT_EQ(nodes.at("out").output_shape, (std::vector<int64_t>{-1, 3}));
  // Without examples the nodes and edges are the same, with no shapes.
  const auto bare = by_name(train::model_graph(*model, nullptr));
  EXPECT_EQ(bare.at("r").inputs, nodes.at("r").inputs);
  EXPECT_TRUE(bare.at("out").output_shape.empty());
}

struct ImageClassifierFit {
  std::shared_ptr<nn::Sequential> model = nn::build_sequential(json::parse(R"({"inputs": [1, 8, 8],
    "layers": [{"type": "conv2d", "filters": 2, "kernel_size": 3, "activation": "relu"},
               {"type": "flatten"}, {"type": "dense", "units": 3}]})"),
                                                               2);
  data::Dataset train, val;
  ImageClassifierFit() {
    std::vector<double> labels{0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2};
    train.x = rand({12, 1, 8, 8});
    train.y = from_vector(labels, {12}, DType::Int64);
    val.x = rand({6, 1, 8, 8});
    val.y = from_vector(std::vector<double>(labels.begin(), labels.begin() + 6), {6}, DType::Int64);
  }
};

TEST(TensorBoardPictures, TheCallbackWritesTheGraphAndValidationExamplesEveryNEpochs) {
  TempDir dir("tb_pictures");
  ImageClassifierFit f;
  optim::SGD opt{f.model->parameters(), {.lr = 0.05}};
  train::Trainer trainer{*f.model, opt, train::make_loss("cross_entropy"), {"accuracy"}};
  train::TensorBoardOptions o;
  o.log_dir = dir.path / "tb";
  o.write_images = true;
  o.image_freq = 2;
  train::TensorBoard cb(o);
  trainer.fit(f.train, &f.val, {.epochs = 3, .batch_size = 4, .verbose = false}, {&cb});

  std::vector<io::GraphNode> graph;
  for (const auto& ev : events_in(o.log_dir / "train"))
    if (ev.graph) graph = *ev.graph;
  ASSERT_EQ(graph.size(), 5u);  // x, Conv2d, ReLU, Flatten, Linear
  EXPECT_EQ(graph[1].op, "Conv2d");
  EXPECT_EQ(graph[1].inputs, std::vector<std::string>{"x"});
  EXPECT_EQ(graph[1].output_shape, (std::vector<int64_t>{-1, 2, 6, 6}));
  EXPECT_EQ(graph[4].op, "Linear");
  EXPECT_EQ(graph[4].inputs, std::vector<std::string>{graph[3].name});
  EXPECT_EQ(graph[4].output_shape, (std::vector<int64_t>{-1, 3}));

  std::vector<int64_t> steps;
  for (const auto& ev : events_in(o.log_dir / "validation"))
    for (const auto& v : ev.values)
      if (v.image) {
        EXPECT_EQ(v.tag, "validation_examples");
        EXPECT_EQ(v.image->encoded.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
        EXPECT_GT(v.image->width, 4 * 32);  // four 8x8 examples drawn 14 times larger
        steps.push_back(ev.step);
      }
  EXPECT_EQ(steps, (std::vector<int64_t>{1, 2})) << "epoch 2 (every 2), then the last epoch";
}

}  // namespace
}  // namespace scidl::testing
