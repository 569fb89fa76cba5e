// Seeded augmentation: reproducible for a seed, each transform doing what it says, and the PNG
// grid of samples.
#include <fstream>

#include "../test_util.h"
#include "scidl/data/augment.h"
#include "scidl/data/idx.h"

namespace scidl::testing {
namespace {

Tensor ramp_images(int64_t n, int64_t h, int64_t w) {
  std::vector<double> v;
  for (int64_t i = 0; i < n * h * w; ++i) v.push_back(double((i * 7) % 11) / 10.0);
  return from_vector(v, {n, 1, h, w}, DType::Float32);
}

TEST(Augment, SameSeedGivesTheSameBatchAndNeverChangesTheInput) {
  data::AugmentOptions o{.flip = 0.5,
                         .pad_crop = 2,
                         .rotation = 10,
                         .scale = 0.1,
                         .translate = 0.1,
                         .noise = 0.05,
                         .erase = 0.5};
  Tensor x = ramp_images(6, 12, 10);
  auto before = x.to_vector<double>();
  data::Augmenter a(o, 42), b(o, 42), c(o, 43);
  auto ya = a(x).to_vector<double>(), yb = b(x).to_vector<double>(), yc = c(x).to_vector<double>();
  EXPECT_EQ(ya, yb);
  EXPECT_NE(ya, yc);
  EXPECT_NE(ya, before);
  EXPECT_EQ(x.to_vector<double>(), before);
}

TEST(Augment, CertainFlipMirrorsEachRow) {
  Tensor x = ramp_images(2, 3, 5);
  auto y = data::Augmenter({.flip = 1.0}, 0)(x).to_vector<double>();
  auto v = x.to_vector<double>();
  for (int64_t r = 0; r < 6; ++r)
    for (int64_t c = 0; c < 5; ++c) EXPECT_NEAR(y[r * 5 + c], v[r * 5 + 4 - c], 1e-6);
}

TEST(Augment, PadCropShiftsByWholePixelsWithZerosComingIn) {
  // One bright pixel in the middle moves by at most pad_crop in each direction and stays whole.
  Tensor x = zeros({20, 1, 9, 9});
  std::vector<double> v(20 * 81, 0.0);
  for (int i = 0; i < 20; ++i) v[i * 81 + 4 * 9 + 4] = 1.0;
  x = from_vector(v, {20, 1, 9, 9}, DType::Float32);
  auto y = data::Augmenter({.pad_crop = 2}, 5)(x).to_vector<double>();
  bool moved = false;
  for (int i = 0; i < 20; ++i) {
    double total = 0;
    int at = -1;
    for (int k = 0; k < 81; ++k) {
      total += y[i * 81 + k];
      if (y[i * 81 + k] == 1.0) at = k;
    }
    ASSERT_NEAR(total, 1.0, 1e-6) << "image " << i;
    ASSERT_GE(at, 0);
    EXPECT_LE(std::abs(at / 9 - 4), 2);
    EXPECT_LE(std::abs(at % 9 - 4), 2);
    moved = moved || at != 40;
  }
  EXPECT_TRUE(moved);
}

TEST(Augment, DefaultOptionsCopyAndBadOptionsAreRejected) {
  Tensor x = ramp_images(2, 4, 4);
  EXPECT_EQ(data::Augmenter()(x).to_vector<double>(), x.to_vector<double>());
  EXPECT_THROW(data::Augmenter({.flip = 1.5}), std::invalid_argument);
  EXPECT_THROW(data::Augmenter({.scale = 1.0}), std::invalid_argument);
}

TEST(Augment, GridIsWrittenAsPng) {
  TempDir dir("augment_grid");
  data::Augmenter a({.flip = 0.5, .rotation = 15}, 1);
  data::write_augmentation_grid(dir.path / "grid.png", ramp_images(3, 8, 8), a, 3, 4);
  std::ifstream in(dir.path / "grid.png", std::ios::binary);
  char sig[8] = {};
  in.read(sig, 8);
  EXPECT_EQ(std::string(sig + 1, 3), "PNG");
}

// `scidl augment` shows what a config's augmentation does to its own training images: one row
// per image, the original first, then the variants, at the asked scale, seeded like the run; a
// config without augmentation is told so.
TEST(Augment, CommandWritesTheConfigsGridAndRefusesAConfigWithoutAugmentation) {
  TempDir dir("augment_cli");
  data::IdxArray images{data::IdxType::UInt8, {5, 10, 10}, {}};
  data::IdxArray labels{data::IdxType::UInt8, {5}, {}};
  for (int64_t i = 0; i < images.count(); ++i) images.bytes.push_back(uint8_t(i * 37 % 251));
  for (int i = 0; i < 5; ++i) labels.bytes.push_back(uint8_t(i));
  data::write_idx(dir.path / "images.idx", images, false);
  data::write_idx(dir.path / "labels.idx", labels, false);
  const std::string config = R"([data]
source = "idx"
images = "images.idx"
labels = "labels.idx"
targets = "classes"
)";
  const std::string model = R"([model]
inputs = [1, 10, 10]
layers = [ { type = "flatten" }, { type = "dense", units = 5 } ]
[optimizer]
type = "sgd"
lr = 0.01
[training]
epochs = 1
batch_size = 2
loss = "cross_entropy"
)";
  write_text(dir.path / "plain.toml", config + model);
  write_text(dir.path / "aug.toml", config + "augment = { flip = 0.5, rotation = 10 }\n" + model);
  const auto grid = (dir.path / "grid.png").string();
  auto r = run_cli("augment " + (dir.path / "aug.toml").string() + " --out " + grid +
                   " --rows 3 --variants 4 --scale 2");
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("3 images, each followed by 4 augmented versions"), std::string::npos);
  std::ifstream in(grid, std::ios::binary);
  unsigned char head[24] = {};
  in.read(reinterpret_cast<char*>(head), 24);
  auto be32 = [&](int at) {
    return head[at] << 24 | head[at + 1] << 16 | head[at + 2] << 8 | head[at + 3];
  };
  EXPECT_EQ(std::string(reinterpret_cast<char*>(head) + 1, 3), "PNG");
  const int gap = 4, cell = 10 * 2 + gap;  // IHDR width and height: 5 x 3 cells
  EXPECT_EQ(be32(16), 5 * cell + gap);
  EXPECT_EQ(be32(20), 3 * cell + gap);

  r = run_cli("augment " + (dir.path / "plain.toml").string() + " --out " + grid + "2");
  EXPECT_NE(r.status, 0);
  EXPECT_NE(r.output.find("has no data.augment table"), std::string::npos) << r.output;
  EXPECT_FALSE(std::filesystem::exists(grid + "2"));
}

}  // namespace
}  // namespace scidl::testing
