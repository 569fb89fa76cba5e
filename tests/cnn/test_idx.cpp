// The IDX reader and Fashion-MNIST loader, including every kind of bad file: each error must
// name the file and the numbers that disagree.
#include <algorithm>
#include <cstdlib>
#include <fstream>

#include "../test_util.h"
#include "scidl/data/fashion_mnist.h"
#include "scidl/data/idx.h"

namespace scidl::testing {
namespace {

using data::IdxArray;
using data::IdxType;

IdxArray tiny_images(int64_t n, int64_t h = 4, int64_t w = 3) {
  IdxArray a{IdxType::UInt8, {n, h, w}, {}};
  for (int64_t i = 0; i < n * h * w; ++i) a.bytes.push_back(static_cast<uint8_t>((i * 37) % 256));
  return a;
}
IdxArray tiny_labels(int64_t n) {
  IdxArray a{IdxType::UInt8, {n}, {}};
  for (int64_t i = 0; i < n; ++i) a.bytes.push_back(static_cast<uint8_t>(i % 10));
  return a;
}

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const std::exception& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(Idx, PlainAndGzipFilesReadTheSame) {
  TempDir dir("idx_roundtrip");
  IdxArray a = tiny_images(5);
  data::write_idx(dir.path / "plain.idx", a, false);
  data::write_idx(dir.path / "packed.idx.gz", a, true);
  for (const char* name : {"plain.idx", "packed.idx.gz"}) {
    IdxArray b = data::read_idx(dir.path / name);
    EXPECT_EQ(b.dims, (Shape{5, 4, 3})) << name;
    EXPECT_EQ(b.bytes, a.bytes) << name;
  }
  Tensor t = data::idx_to_tensor(data::read_idx(dir.path / "plain.idx"), DType::Float32, 1 / 255.0);
  EXPECT_NEAR(t.to_vector<double>()[1], 37 / 255.0, 1e-7);
}

TEST(Idx, MultiByteValuesAreBigEndian) {
  TempDir dir("idx_int32");
  IdxArray a{IdxType::Int32, {2}, {0, 0, 1, 2, 0xFF, 0xFF, 0xFF, 0xFE}};
  data::write_idx(dir.path / "v.idx", a, false);
  auto v =
      data::idx_to_tensor(data::read_idx(dir.path / "v.idx"), DType::Int64).to_vector<int64_t>();
  EXPECT_EQ(v, (std::vector<int64_t>{258, -2}));
}

TEST(Idx, WrongMagicNumberNamesFileAndNumber) {
  TempDir dir("idx_magic");
  write_text(dir.path / "page.html", "<html>not found</html>");
  std::string m = error_of([&] { data::read_idx(dir.path / "page.html"); });
  EXPECT_NE(m.find("page.html"), std::string::npos) << m;
  EXPECT_NE(m.find("not an IDX file"), std::string::npos) << m;
  EXPECT_NE(m.find("0x3C68746D"), std::string::npos) << m;  // "<htm"
  EXPECT_NE(m.find("0x00000803"), std::string::npos) << m;
}

// Found by tests/fuzz/fuzz_idx: a 0 among the sizes promises no values, so the file is the right
// length, but the other sizes multiply past 2^63 and no tensor can have that shape.
TEST(Idx, SizesThatMultiplyPast2To63AreRefusedNamingFileAndShape) {
  TempDir dir("idx_overflow");
  const std::string header("\x00\x00\x08\x04"  // unsigned bytes, 4 dimensions
                           "\x00\x00\x00\x00"
                           "\x80\x00\x00\x00"
                           "\x80\x00\x00\x00"
                           "\x80\x00\x00\x00",
                           20);
  write_text(dir.path / "huge.idx", header);
  std::string m = error_of([&] { data::read_idx(dir.path / "huge.idx"); });
  EXPECT_NE(m.find("huge.idx"), std::string::npos) << m;
  EXPECT_NE(m.find("[0, 2147483648, 2147483648, 2147483648]"), std::string::npos) << m;
  EXPECT_NE(m.find("multiply past 2^63"), std::string::npos) << m;
}

TEST(Idx, TruncatedFileNamesPromisedAndPresentBytes) {
  TempDir dir("idx_truncated");
  data::write_idx(dir.path / "full.idx", tiny_images(5), false);
  std::ifstream in(dir.path / "full.idx", std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), {});
  std::ofstream(dir.path / "cut.idx", std::ios::binary) << bytes.substr(0, bytes.size() - 10);
  std::string m = error_of([&] { data::read_idx(dir.path / "cut.idx"); });
  EXPECT_NE(m.find("cut.idx"), std::string::npos) << m;
  EXPECT_NE(m.find("truncated"), std::string::npos) << m;
  EXPECT_NE(m.find("60 values of shape [5, 4, 3] (60 bytes) but only 50"), std::string::npos) << m;
}

TEST(Idx, BytesAfterThePayloadAreRefusedWithBothSizes) {
  TempDir dir("idx_too_long");
  IdxArray a = tiny_images(5);
  a.bytes.insert(a.bytes.end(), {1, 2, 3, 4});  // 64 bytes after a header promising 60
  data::write_idx(dir.path / "long.idx", a, false);
  data::write_idx(dir.path / "long.idx.gz", a, true);
  std::string m = error_of([&] { data::read_idx(dir.path / "long.idx"); });
  EXPECT_NE(m.find("long.idx' is longer than its header implies"), std::string::npos) << m;
  EXPECT_NE(m.find("60 values of shape [5, 4, 3] (60 bytes), 76 bytes in all"), std::string::npos)
      << m;
  EXPECT_NE(m.find("the file holds 80 bytes, 4 too many"), std::string::npos) << m;
  m = error_of([&] { data::read_idx(dir.path / "long.idx.gz"); });
  EXPECT_NE(m.find("the file holds 80 bytes once decompressed, 4 too many"), std::string::npos)
      << m;
}

// The audit's case: an images file whose magic number says 4 dimensions. The first pixels are
// black, so the fourth "size" read is 0 and the whole image data is left over.
TEST(Idx, ImagesFileWithAWrongDimensionCountIsRefusedNamingMagicAndShape) {
  TempDir dir("idx_four_dims");
  IdxArray a = tiny_images(5);
  std::fill(a.bytes.begin(), a.bytes.begin() + 4, 0);
  data::write_idx(dir.path / "images.idx", a, false);
  data::write_idx(dir.path / "labels.idx", tiny_labels(5), false);
  std::fstream f(dir.path / "images.idx", std::ios::binary | std::ios::in | std::ios::out);
  f.seekp(3);
  f.put(4);  // magic 0x00000804
  f.close();
  std::string m =
      error_of([&] { data::load_idx_dataset(dir.path / "images.idx", dir.path / "labels.idx"); });
  EXPECT_NE(m.find("images.idx' is longer than its header implies"), std::string::npos) << m;
  EXPECT_NE(m.find("0 values of shape [5, 4, 3, 0]"), std::string::npos) << m;
  EXPECT_NE(m.find("holds 76 bytes, 56 too many"), std::string::npos) << m;
  EXPECT_NE(m.find("magic number 0x00000804 gives the wrong number of dimensions (4)"),
            std::string::npos)
      << m;
  EXPECT_NE(m.find("images are 0x00000803"), std::string::npos) << m;
}

TEST(Idx, FractionalLabelsAreRefusedNamingTheType) {
  TempDir dir("idx_float_labels");
  data::write_idx(dir.path / "images.idx", tiny_images(2), false);
  IdxArray labels{IdxType::Float32, {2}, {0x3F, 0xC0, 0, 0, 0, 0, 0, 0}};  // 1.5 and 0.0
  data::write_idx(dir.path / "labels.idx", labels, false);
  std::string m =
      error_of([&] { data::load_idx_dataset(dir.path / "images.idx", dir.path / "labels.idx"); });
  EXPECT_NE(m.find("labels.idx': labels must be integer class indices"), std::string::npos) << m;
  EXPECT_NE(m.find("found type 0x0D"), std::string::npos) << m;
}

TEST(Idx, ImageAndLabelCountsThatDifferAreNamed) {
  TempDir dir("idx_counts");
  data::write_idx(dir.path / "images.idx", tiny_images(6), true);
  data::write_idx(dir.path / "labels.idx", tiny_labels(5), true);
  std::string m =
      error_of([&] { data::load_idx_dataset(dir.path / "images.idx", dir.path / "labels.idx"); });
  EXPECT_NE(m.find("images.idx' holds 6 images"), std::string::npos) << m;
  EXPECT_NE(m.find("labels.idx' holds 5 labels"), std::string::npos) << m;
}

TEST(Idx, DatasetHasNchwImagesInUnitRangeAndInt64Labels) {
  TempDir dir("idx_dataset");
  data::write_idx(dir.path / "images.idx", tiny_images(6), false);
  data::write_idx(dir.path / "labels.idx", tiny_labels(6), false);
  auto d = data::load_idx_dataset(dir.path / "images.idx", dir.path / "labels.idx");
  EXPECT_EQ(d.x.shape(), (Shape{6, 1, 4, 3}));
  EXPECT_EQ(d.y.dtype(), DType::Int64);
  EXPECT_EQ(d.y.to_vector<int64_t>()[5], 5);
  EXPECT_NEAR(d.x.to_vector<double>()[2], 74 / 255.0, 1e-7);
}

TEST(FashionMnist, MissingFilesNameThePackageToInstall) {
  TempDir dir("fmnist_missing");
  ::setenv("SCIDL_FASHION_MNIST_DIR", dir.path.c_str(), 1);
  std::string m = error_of([] { data::load_fashion_mnist("test"); });
  ::unsetenv("SCIDL_FASHION_MNIST_DIR");
  EXPECT_NE(m.find("apt-get install dataset-fashion-mnist"), std::string::npos) << m;
  EXPECT_NE(m.find("t10k-images-idx3-ubyte"), std::string::npos) << m;
}

TEST(FashionMnist, FilesOfAnotherLayoutAreRefusedNamingMagicAndShape) {
  TempDir dir("fmnist_layout");
  IdxArray images = tiny_images(5);
  images.dims = {5, 1, 4, 3};  // self-consistent, but not Fashion-MNIST's [N, 28, 28]
  data::write_idx(dir.path / "t10k-images-idx3-ubyte.gz", images, true);
  data::write_idx(dir.path / "t10k-labels-idx1-ubyte.gz", tiny_labels(5), true);
  ::setenv("SCIDL_FASHION_MNIST_DIR", dir.path.c_str(), 1);
  std::string m = error_of([] { data::load_fashion_mnist("test"); });
  ::unsetenv("SCIDL_FASHION_MNIST_DIR");
  EXPECT_NE(m.find("t10k-images-idx3-ubyte.gz' is not a Fashion-MNIST images file: magic number "
                   "0x00000804, shape [5, 1, 4, 3]; expected 0x00000803, [N, 28, 28]"),
            std::string::npos)
      << m;
}

TEST(FashionMnist, TestSplitHasTenThousandLabelledImages) {
  if (!std::filesystem::exists(data::fashion_mnist_dir() / "t10k-labels-idx1-ubyte.gz"))
    GTEST_SKIP() << "dataset-fashion-mnist is not installed";
  auto d = data::load_fashion_mnist("test");
  EXPECT_EQ(d.x.shape(), (Shape{10000, 1, 28, 28}));
  auto y = d.y.to_vector<int64_t>();
  std::vector<int> counts(10);
  for (auto v : y) counts.at(v)++;
  for (int c : counts) EXPECT_EQ(c, 1000);  // the test split is balanced
  EXPECT_EQ(d.y_names.at(9), "Ankle boot");
}

}  // namespace
}  // namespace scidl::testing
