// Model graphs through the command line, on real data: the two-input knots example (raw
// invariants normalised inside the model, symmetry indicators as a second input, a residual
// block) trains, predicts the held-out knots and is explained column by column; the residual
// oscillator example trains to the same weights for the same seed; bad graph configs stop
// before anything is written, naming the layer and the shapes.
#include <fmt/format.h>

#include "../test_util.h"
#include "scidl/data/csv.h"
#include "scidl/nn/graph.h"
#include "scidl/nn/model_io.h"

namespace scidl::testing {
namespace {

const std::filesystem::path kRepo = std::filesystem::path(SCIDL_TEST_DATA) / ".." / "..";

TEST(ModelGraphsCli, TwoInputKnotsTrainPredictAndExplain) {
  TempDir dir("graphs_knots");
  const auto data = dir.path / "data";
  auto prep =
      run_cli(fmt::format("knots prepare --data {} --out {} --smallest-signature -14 "
                          "--classes 15",
                          (kRepo / "data/knots/knots_small.csv.gz").string(), data.string()));
  ASSERT_EQ(prep.status, 0) << prep.output;
  const auto run = dir.path / "run";
  auto train = run_cli(fmt::format(
      "train {} --set data.x={} --set data.y={} --set training.epochs=3 --set output.dir={}",
      (kRepo / "examples/graphs/knots_two_inputs.toml").string(),
      (data / "train_invariants.csv").string(), (data / "train_Y.csv").string(), run.string()));
  ASSERT_EQ(train.status, 0) << train.output;
  EXPECT_NE(train.output.find("Graph: inputs [x, symmetry]"), std::string::npos) << train.output;
  EXPECT_NE(train.output.find("norm: Normalization(6) <- [x]"), std::string::npos);

  auto loaded = io::load_model(run / "best.scidl");
  auto* graph = dynamic_cast<nn::Graph*>(loaded.model.get());
  ASSERT_NE(graph, nullptr);
  EXPECT_EQ(graph->input_names(), (std::vector<std::string>{"x", "symmetry"}));
  // The adapted statistics travel in the model: the raw volumes' mean is near 11 here.
  const double volume_mean = loaded.model->state_dict().at("norm.mean").to_vector<double>()[5];
  EXPECT_GT(volume_mean, 5);

  auto predict = run_cli(
      fmt::format("predict --model {} --input {} --output {}", (run / "best.scidl").string(),
                  (data / "test_invariants.csv").string(), (dir.path / "pred.csv").string()));
  ASSERT_EQ(predict.status, 0) << predict.output;
  auto pred = data::read_csv(dir.path / "pred.csv");
  auto labels = data::read_csv(data / "test_Y.csv");
  ASSERT_EQ(pred.rows, labels.rows);
  ASSERT_EQ(pred.cols, 16);  // the 15 classes' probabilities, then the predicted class
  EXPECT_EQ(pred.column_names.back(), "predicted");
  int right = 0;
  for (int64_t r = 0; r < pred.rows; ++r) {
    auto row = pred.values.begin() + r * 16;
    const int64_t best = std::max_element(row, row + 15) - row;
    EXPECT_EQ(best, int64_t(pred.at(r, 15)));
    right += best == int64_t(labels.values[size_t(r)]);
  }
  EXPECT_GT(double(right) / double(pred.rows), 0.5) << "3 epochs on 1312 knots";

  auto explain = run_cli(
      fmt::format("explain --model {} --data {} --target 7 --out {}", (run / "best.scidl").string(),
                  (data / "test_invariants.csv").string(), (dir.path / "ig").string()));
  ASSERT_EQ(explain.status, 0) << explain.output;
  for (const char* column : {"meridinal_translation_imag", "volume", "Symmetry_D8"})
    EXPECT_NE(explain.output.find(column), std::string::npos) << explain.output;
}

TEST(ModelGraphsCli, ResidualGraphTrainsToTheSameWeightsForTheSameSeed) {
  TempDir dir("graphs_residual");
  std::map<std::string, std::vector<float>> weights[2];
  for (int k = 0; k < 2; ++k) {
    const auto run = dir.path / fmt::format("run{}", k);
    auto r = run_cli(fmt::format(
        "train {} --set data.trajectories=20 --set training.epochs=2 --set output.dir={}",
        (kRepo / "examples/graphs/residual_oscillator.toml").string(), run.string()));
    ASSERT_EQ(r.status, 0) << r.output;
    EXPECT_NE(r.output.find("skip: Add <- [h1, h3]"), std::string::npos) << r.output;
    for (const auto& [name, t] : io::load_model(run / "last.scidl").model->state_dict())
      weights[k][name] = t.to_vector<float>();
  }
  EXPECT_TRUE(weights[0].count("h3.weight"));
  EXPECT_EQ(weights[0], weights[1]);

  // The saved graph predicts, is explained, and its weights go out to PyTorch's names and back.
  const auto model = dir.path / "run0" / "best.scidl";
  write_text(dir.path / "x.csv", "a,b,c\n1.0,0.5,0.2\n1.2,-0.2,0.1\n");
  auto predict = run_cli(fmt::format("predict --model {} --input {} --output {}", model.string(),
                                     (dir.path / "x.csv").string(), (dir.path / "y.csv").string()));
  ASSERT_EQ(predict.status, 0) << predict.output;
  EXPECT_EQ(data::read_csv(dir.path / "y.csv").rows, 2);
  auto explain = run_cli(fmt::format("explain --model {} --data {} --out {}", model.string(),
                                     (dir.path / "x.csv").string(), (dir.path / "ig").string()));
  ASSERT_EQ(explain.status, 0) << explain.output;
  const auto weights_file = dir.path / "w.safetensors";
  auto out = run_cli(
      fmt::format("export-weights --model {} --output {}", model.string(), weights_file.string()));
  ASSERT_EQ(out.status, 0) << out.output;
  auto in =
      run_cli(fmt::format("import-weights --model {} --weights {} --output {}", model.string(),
                          weights_file.string(), (dir.path / "again.scidl").string()));
  ASSERT_EQ(in.status, 0) << in.output;
  for (const auto& [name, t] : io::load_model(dir.path / "again.scidl").model->state_dict())
    EXPECT_EQ(t.to_vector<float>(),
              io::load_model(model).model->state_dict().at(name).to_vector<float>())
        << name;
}

void expect_refused(const std::string& model, const std::vector<std::string>& parts) {
  TempDir dir("graphs_bad");
  write_text(dir.path / "bad.toml", fmt::format(R"(seed = 1
[data]
source = "damped_oscillator"
trajectories = 4
[model]
{}
[training]
epochs = 1
[output]
dir = "run"
)",
                                                model));
  auto r = run_cli("train " + (dir.path / "bad.toml").string());
  EXPECT_NE(r.status, 0);
  for (const auto& p : parts) EXPECT_NE(r.output.find(p), std::string::npos) << r.output;
  EXPECT_FALSE(std::filesystem::exists(dir.path / "run")) << "nothing is written";
}

TEST(ModelGraphsCli, BadGraphConfigsStopBeforeWritingAnything) {
  expect_refused(R"(inputs = 3
layers = [ { name = "a", type = "dense", units = 4 }, { name = "b", type = "add", inputs = ["a", "z"] } ])",
                 {"bad.toml", "'b'", "'z'"});
  expect_refused(R"(inputs = 3
layers = [ { name = "a", type = "dense", units = 4, inputs = ["b"] }, { name = "b", type = "dense", units = 4, inputs = ["a"] } ])",
                 {"cycle", "a, b"});
  expect_refused(R"(inputs = 3
layers = [ { name = "a", type = "dense", units = 4 }, { name = "b", type = "dense", units = 5 }, { name = "s", type = "add", inputs = ["a", "b"] } ])",
                 {"'s'", "a [4]", "b [5]"});
  expect_refused(R"(inputs = 3
output = "a"
layers = [ { name = "a", type = "dense", units = 4 }, { name = "b", type = "dense", units = 1 } ])",
                 {"'b'", "unused"});
  expect_refused(R"(inputs = { x = 3, c = 2 }
layers = [ { name = "a", type = "dense", units = 4, inputs = ["x"] }, { name = "j", type = "concat", inputs = ["a", "c"] } ])",
                 {"input 'c'", "[data] inputs"});
}

}  // namespace
}  // namespace scidl::testing
