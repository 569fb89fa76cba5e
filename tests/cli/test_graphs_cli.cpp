// `scidl train` on a graph dataset in the TU format: the lecture's network config (PyG's
// tutorial settings) trains on a small set the test writes, and a model whose node-feature width
// does not fit the data is refused before anything is written.
#include <fmt/format.h>

#include "../test_util.h"
#include "../train/tu_toy.h"

namespace scidl::testing {
namespace {

const std::filesystem::path kRepo = std::filesystem::path(SCIDL_TEST_DATA) / ".." / "..";

TEST(GraphsCli, TheLecturesMutagenicityConfigTrainsOnATuSet) {
  TempDir dir("graphs_tu");
  const auto data = dir.path / "TOY";
  std::filesystem::create_directories(data);
  write_rings_and_paths(data, 40);
  const auto run = dir.path / "run";
  auto r = run_cli(
      fmt::format("train {} --set data.path={} --set model.inputs=4 --set training.epochs=3 "
                  "--set output.dir={}",
                  (kRepo / "examples/graphs/mutagenicity_pyg_tutorial.toml").string(),
                  data.string(), run.string()));
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("GraphConv(4 -> 32, aggr=add)"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("val_accuracy"), std::string::npos) << r.output;
  EXPECT_TRUE(std::filesystem::exists(run / "best.scidl"));

  auto wrong =
      run_cli(fmt::format("train {} --set data.path={} --set output.dir={}",
                          (kRepo / "examples/graphs/mutagenicity_pyg_tutorial.toml").string(),
                          data.string(), (dir.path / "wrong").string()));
  EXPECT_NE(wrong.status, 0);
  EXPECT_NE(wrong.output.find("model.inputs to 4"), std::string::npos) << wrong.output;
  EXPECT_FALSE(std::filesystem::exists(dir.path / "wrong"));
}

}  // namespace
}  // namespace scidl::testing
