// Seeded augmentation: reproducible for a seed, each transform doing what it says, and the PNG
// grid of samples.
#include <fstream>

#include "../test_util.h"
#include "scidl/data/augment.h"

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

}  // namespace
}  // namespace scidl::testing
