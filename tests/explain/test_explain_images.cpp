// `scidl explain` on an image model, end to end on real data: a tiny CNN trained for two epochs
// on 300 Fashion-MNIST test images, explained with saliency on 8 of them. The heatmaps are
// written as PNG and SVG of the grid's size, and the overlay is fully red exactly at each
// example's most salient pixel (as attributions.csv says). Images of the wrong shape are refused
// with both shapes named.
#include <gtest/gtest.h>
#include <png.h>

#include <algorithm>
#include <cmath>

#include "../test_util.h"
#include "scidl/data/csv.h"
#include "scidl/data/fashion_mnist.h"
#include "scidl/data/idx.h"
#include "scidl/explain/explain.h"

namespace {

using namespace scidl;
using scidl::testing::run_cli;
using scidl::testing::TempDir;
namespace fs = std::filesystem;

struct Fixture {
  TempDir dir{"explain_images"};
  fs::path images, labels, model;
};

// The first n images (and labels) of an IDX pair, written as gzip'd IDX.
void take_first(const fs::path& from_images, const fs::path& from_labels, int64_t n,
                const fs::path& to_images, const fs::path& to_labels) {
  auto images = data::read_idx(from_images);
  auto labels = data::read_idx(from_labels);
  const int64_t plane = images.count() / images.dims[0];
  images.dims[0] = n;
  images.bytes.resize(n * plane);
  labels.dims[0] = n;
  labels.bytes.resize(n);
  data::write_idx(to_images, images, true);
  data::write_idx(to_labels, labels, true);
}

struct Png {
  int64_t width = 0, height = 0;
  std::vector<uint8_t> rgb;
};

Png read_png(const fs::path& path) {
  png_image image{};
  image.version = PNG_IMAGE_VERSION;
  EXPECT_TRUE(png_image_begin_read_from_file(&image, path.c_str())) << path;
  image.format = PNG_FORMAT_RGB;
  Png out{image.width, image.height, std::vector<uint8_t>(PNG_IMAGE_SIZE(image))};
  EXPECT_TRUE(png_image_finish_read(&image, nullptr, out.rgb.data(), 0, nullptr)) << path;
  return out;
}

class ExplainImages : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    const fs::path src = data::fashion_mnist_dir();
    if (!fs::exists(src / "t10k-images-idx3-ubyte.gz")) return;
    f = new Fixture;
    f->images = f->dir.path / "images.idx.gz";
    f->labels = f->dir.path / "labels.idx.gz";
    take_first(src / "t10k-images-idx3-ubyte.gz", src / "t10k-labels-idx1-ubyte.gz", 300, f->images,
               f->labels);
    scidl::testing::write_text(f->dir.path / "cnn.toml", R"(seed = 3
[data]
source = "idx"
images = "images.idx.gz"
labels = "labels.idx.gz"
validation_split = 0.1
[model]
inputs = [1, 28, 28]
layers = [
  { type = "conv2d", filters = 4, kernel_size = 3, activation = "relu" },
  { type = "maxpool2d", pool_size = 2 },
  { type = "flatten" },
  { type = "dense", units = 10 },
]
[optimizer]
type = "adam"
lr = 0.003
[training]
epochs = 2
batch_size = 32
loss = "cross_entropy"
metrics = ["accuracy"]
[output]
plots = false
)");
    auto r = run_cli("train " + (f->dir.path / "cnn.toml").string() + " -q --out " +
                     (f->dir.path / "run").string());
    ASSERT_EQ(r.status, 0) << r.output;
    f->model = f->dir.path / "run" / "last.scidl";
  }
  static void TearDownTestSuite() {
    delete f;
    f = nullptr;
  }
  void SetUp() override {
    if (!f) GTEST_SKIP() << "dataset-fashion-mnist is not installed";
  }
  static Fixture* f;
};
Fixture* ExplainImages::f = nullptr;

TEST_F(ExplainImages, HeatmapsAreWrittenAndRedAtEachExamplesMostSalientPixel) {
  const fs::path out = f->dir.path / "saliency";
  auto r = run_cli("explain --model " + f->model.string() + " --data " + f->images.string() +
                   " --labels " + f->labels.string() +
                   " --method saliency --limit 8 --heatmaps 8 --class-names fashion_mnist --out " +
                   out.string());
  ASSERT_EQ(r.status, 0) << r.output;
  for (const char* name :
       {"attributions.csv", "attributions.json", "ranking.csv", "heatmaps.png", "heatmaps.svg"})
    EXPECT_TRUE(fs::exists(out / name)) << name;

  // The grid is 4 pairs wide and 2 high, at 4 screen pixels per image pixel.
  explain::HeatmapGrid grid;
  grid.images = zeros({8, 1, 28, 28});
  grid.attributions = zeros({8, 1, 28, 28});
  const auto layout = explain::heatmap_layout(grid);
  const Png png = read_png(out / "heatmaps.png");
  ASSERT_EQ(png.width, layout.width);
  ASSERT_EQ(png.height, layout.height);
  // The pairs, then the colour bar of the overlay's scale with its labels.
  EXPECT_EQ(layout.color_bar_left, 6 + 4 * (2 * 112 + 4 + 8) + 14);
  EXPECT_GT(layout.width, layout.color_bar_left + 60);

  auto a = data::read_csv(out / "attributions.csv");
  ASSERT_EQ(a.rows, 8);
  ASSERT_EQ(a.cols, 784);
  EXPECT_EQ(a.column_names[29], "p1_1");
  auto overlay = [&](int64_t n, int64_t pixel) {
    const int64_t x = layout.overlay_x(n) + (pixel % 28) * 4 + 2;
    const int64_t y = layout.top(n) + (pixel / 28) * 4 + 2;
    const uint8_t* p = &png.rgb[3 * (y * png.width + x)];
    return io::Rgb{p[0], p[1], p[2]};
  };
  for (int64_t n = 0; n < 8; ++n) {
    std::vector<double> row(a.values.begin() + n * 784, a.values.begin() + (n + 1) * 784);
    const int64_t top = std::max_element(row.begin(), row.end()) - row.begin();
    ASSERT_GT(row[top], 0.0) << "example " << n << " has no saliency";
    EXPECT_EQ(overlay(n, top), (io::Rgb{215, 48, 39})) << "example " << n;
    // Redness (red minus green) grows with saliency: compare the top pixel with the median one.
    std::vector<double> sorted = row;
    std::nth_element(sorted.begin(), sorted.begin() + 392, sorted.end());
    const int64_t median = std::find(row.begin(), row.end(), sorted[392]) - row.begin();
    auto redness = [](io::Rgb c) { return int(c[0]) - int(c[1]); };
    EXPECT_GT(redness(overlay(n, top)), redness(overlay(n, median))) << "example " << n;
  }
  const std::string svg = [&] {
    std::ifstream in(out / "heatmaps.svg");
    return std::string(std::istreambuf_iterator<char>(in), {});
  }();
  EXPECT_NE(svg.find("predicted"), std::string::npos);
  EXPECT_EQ(std::count(svg.begin(), svg.end(), '\n') > 8, true);
  EXPECT_NE(r.output.find("heatmaps of the first 8 images"), std::string::npos) << r.output;
}

TEST_F(ExplainImages, ImagesOfTheWrongShapeAreRefusedNamingBothShapes) {
  data::IdxArray wrong;
  wrong.dims = {2, 32, 32};
  wrong.bytes.assign(2 * 32 * 32, 7);
  const fs::path idx = f->dir.path / "wrong.idx";
  data::write_idx(idx, wrong, false);
  auto r = run_cli("explain --model " + f->model.string() + " --data " + idx.string() +
                   " --method saliency --out " + (f->dir.path / "wrong").string());
  EXPECT_NE(r.status, 0);
  EXPECT_NE(r.output.find("[1, 32, 32]"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("[1, 28, 28]"), std::string::npos) << r.output;

  const fs::path csv = f->dir.path / "wrong.csv";
  std::vector<double> pixels(3 * 100, 0.5);
  data::write_csv(csv, {}, 3, 100, pixels.data());
  r = run_cli("explain --model " + f->model.string() + " --data " + csv.string() +
              " --method ig --out " + (f->dir.path / "wrong_csv").string());
  EXPECT_NE(r.status, 0);
  EXPECT_NE(r.output.find("100 values per row"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("[1, 28, 28]"), std::string::npos) << r.output;
}

}  // namespace
