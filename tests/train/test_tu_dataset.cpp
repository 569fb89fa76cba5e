// The TU text format with PyG's preprocessing, on a small set the test writes itself: 1-based
// ids, one-hot node labels, graph labels renumbered, self-loops removed and duplicate edges
// merged; bad files named with their line; and the lecture's kind of network trained on it with
// the C++ API (GraphConv layers, add pool, dense head) until it separates the two classes.
#include <fmt/format.h>

#include "../test_util.h"
#include "scidl/data/tu_dataset.h"
#include "scidl/nn/model_spec.h"
#include "scidl/optim/adam.h"
#include "scidl/train/trainer.h"
#include "tu_toy.h"

namespace scidl::testing {
namespace {

namespace fs = std::filesystem;

TEST(TuDataset, ReadsWithPyGsPreprocessing) {
  TempDir dir("tu_read");
  write_rings_and_paths(dir.path, 6);
  const auto tu = data::read_tu_dataset(dir.path, "TOY");
  EXPECT_EQ(tu.classes, 2);
  EXPECT_EQ(tu.class_values, (std::vector<double>{3, 7}));  // sorted, renumbered 0, 1
  EXPECT_EQ(tu.removed_self_loops, 1);
  EXPECT_EQ(tu.merged_duplicates, 1);
  EXPECT_EQ(tu.data.size(), 6);
  EXPECT_EQ(tu.data.y.to_vector<int64_t>(), (std::vector<int64_t>{0, 1, 0, 1, 0, 1}));
  const auto& set = *tu.data.graphs;
  ASSERT_EQ(set.features(), 4);                  // labels 2..5 one-hot: 4 columns
  EXPECT_EQ(set.x.to_vector<float>()[0], 0.0f);  // node 1 is a path end: label 5 -> column 3
  EXPECT_EQ(set.x.to_vector<float>()[3], 1.0f);
  // Graph 1 is a path of 5 nodes: 4 undirected edges, 8 directed.
  EXPECT_EQ(set.edge_offset[1], 8);
  const auto batch = set.collate(from_vector(std::vector<int64_t>{1, 0}, {2}));
  EXPECT_EQ(batch.get("num_graphs").to_vector<int64_t>(), (std::vector<int64_t>{2}));
  EXPECT_EQ(batch.get("x").shape()[0], 6 + 5);            // graph 1 (ring of 6), then graph 0
  EXPECT_EQ(batch.get("edge_index").shape()[1], 12 + 8);  // renumbered from 0
  const auto b = batch.get("batch").to_vector<int64_t>();
  EXPECT_EQ(b.front(), 0);
  EXPECT_EQ(b.back(), 1);
}

TEST(TuDataset, MalformedFilesAreNamedWithTheirLine) {
  TempDir dir("tu_bad");
  write_rings_and_paths(dir.path, 4);
  write_text(dir.path / "TOY_graph_labels.txt", "3\n7\n3\n");
  try {
    data::read_tu_dataset(dir.path, "TOY");
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("TOY_graph_labels.txt' has 3 lines but"),
              std::string::npos)
        << e.what();
    EXPECT_NE(std::string(e.what()).find("names 4 graphs"), std::string::npos) << e.what();
  }
  write_rings_and_paths(dir.path, 4);
  write_text(dir.path / "TOY_A.txt", "1, 2\n2, 99\n");
  try {
    data::read_tu_dataset(dir.path, "TOY");
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("TOY_A.txt:2: node 99 is out of range"), std::string::npos)
        << e.what();
  }
  write_text(dir.path / "TOY_A.txt", "1, x\n");
  EXPECT_THROW(data::read_tu_dataset(dir.path, "TOY"), std::invalid_argument);
  fs::remove(dir.path / "TOY_A.txt");
  try {
    data::read_tu_dataset(dir.path, "TOY");
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("TOY_A.txt' is missing"), std::string::npos);
  }
}

TEST(TuDataset, TheLecturesKindOfNetworkLearnsRingsFromPaths) {
  TempDir dir("tu_train");
  write_rings_and_paths(dir.path, 60);
  auto tu = data::read_tu_dataset(dir.path, "TOY");
  const nlohmann::json spec = {{"inputs", tu.data.graphs->features()},
                               {"layers",
                                {{{"type", "graphconv"}, {"units", 16}, {"activation", "relu"}},
                                 {{"type", "graphconv"}, {"units", 16}, {"activation", "relu"}},
                                 {{"type", "global_add_pool"}},
                                 {{"type", "dense"}, {"units", 16}, {"activation", "relu"}},
                                 {{"type", "dropout"}, {"rate", 0.5}},
                                 {{"type", "dense"}, {"units", 2}}}}};
  auto model = nn::build_model(spec, 3);
  optim::AdamOptions o;
  o.lr = 0.01;
  optim::Adam adam(model->parameters(), o);
  train::Trainer trainer(*model, adam, "cross_entropy", {"accuracy"});
  train::FitOptions f;
  f.epochs = 30;
  f.batch_size = 16;
  f.verbose = false;
  trainer.fit(tu.data, nullptr, f);
  const auto logs = trainer.evaluate(tu.data);
  EXPECT_GT(logs.at("accuracy"), 0.95);
}

}  // namespace
}  // namespace scidl::testing
