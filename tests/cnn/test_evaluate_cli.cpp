// `scidl evaluate` end to end on a tiny convolutional model and IDX files written here.
#include <fmt/format.h>

#include <fstream>
#include <sstream>

#include "../test_util.h"
#include "scidl/data/idx.h"
#include "scidl/io/model_io.h"
#include "scidl/nn/model_spec.h"

namespace scidl::testing {
namespace {

void write_images(const std::filesystem::path& dir, int64_t n, int64_t side) {
  data::IdxArray images{data::IdxType::UInt8, {n, side, side}, {}};
  for (int64_t i = 0; i < n * side * side; ++i) images.bytes.push_back(uint8_t((i * 53) % 256));
  data::IdxArray labels{data::IdxType::UInt8, {n}, {}};
  for (int64_t i = 0; i < n; ++i) labels.bytes.push_back(uint8_t(i % 3));
  data::write_idx(dir / "images.idx.gz", images, true);
  data::write_idx(dir / "labels.idx", labels, false);
}

std::filesystem::path write_model(const std::filesystem::path& dir) {
  auto spec = nlohmann::json::parse(R"({"inputs": [1, 6, 6], "layers": [
      {"type": "conv2d", "filters": 2, "kernel_size": 3, "activation": "relu"},
      {"type": "flatten"}, {"type": "dense", "units": 3}]})");
  auto model = nn::build_model(spec, 4);
  io::save_model(dir / "m.scidl", *model, spec);
  return dir / "m.scidl";
}

std::string read_all(const std::filesystem::path& p) {
  std::ifstream in(p);
  return std::string((std::istreambuf_iterator<char>(in)), {});
}

TEST(EvaluateCommand, WritesPerClassAccuracyConfusionMatrixAndGallery) {
  TempDir dir("evaluate_cli");
  write_images(dir.path, 12, 6);
  auto model = write_model(dir.path);
  auto r = run_cli(fmt::format("evaluate --model {} --data {} {} --out {}", model.string(),
                               (dir.path / "images.idx.gz").string(),
                               (dir.path / "labels.idx").string(), (dir.path / "out").string()));
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("12 examples, accuracy"), std::string::npos) << r.output;
  for (const char* f : {"per_class.csv", "confusion.csv", "confusion.png", "misclassified.csv"})
    EXPECT_TRUE(std::filesystem::exists(dir.path / "out" / f)) << f;
  std::string confusion = read_all(dir.path / "out" / "confusion.csv");
  EXPECT_EQ(confusion.rfind("true_class,predicted_0,predicted_1,predicted_2\n", 0), 0u)
      << confusion;
  int64_t total = 0;
  std::stringstream ss(confusion.substr(confusion.find('\n') + 1));
  std::string line;
  while (std::getline(ss, line)) {
    std::stringstream cells(line);
    std::string cell;
    std::getline(cells, cell, ',');  // the row's class
    while (std::getline(cells, cell, ',')) total += std::stoll(cell);
  }
  EXPECT_EQ(total, 12);
  std::string per_class = read_all(dir.path / "out" / "per_class.csv");
  EXPECT_NE(per_class.find("all,\"all\",12,"), std::string::npos) << per_class;
}

TEST(EvaluateCommand, ImagesOfTheWrongShapeAreNamed) {
  TempDir dir("evaluate_cli_shape");
  write_images(dir.path, 4, 8);
  auto model = write_model(dir.path);
  auto r = run_cli(fmt::format("evaluate --model {} --data {} {} --out {}", model.string(),
                               (dir.path / "images.idx.gz").string(),
                               (dir.path / "labels.idx").string(), (dir.path / "out").string()));
  EXPECT_NE(r.status, 0);
  EXPECT_NE(r.output.find("images.idx.gz"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("[1, 6, 6]"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("[1, 8, 8]"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace scidl::testing
