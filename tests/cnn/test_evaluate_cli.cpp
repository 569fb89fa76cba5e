// `scidl evaluate` end to end on a tiny convolutional model and IDX files written here.
#include <fmt/format.h>
#include <png.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "../test_util.h"
#include "scidl/data/fashion_mnist.h"
#include "scidl/data/idx.h"
#include "scidl/io/png.h"
#include "scidl/nn/model_io.h"
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

std::filesystem::path write_model(const std::filesystem::path& dir, int64_t side = 6,
                                  int64_t classes = 3) {
  auto spec = nlohmann::json::parse(R"({"inputs": [1, 6, 6], "layers": [
      {"type": "conv2d", "filters": 2, "kernel_size": 3, "activation": "relu"},
      {"type": "flatten"}, {"type": "dense", "units": 3}]})");
  spec["inputs"] = {1, side, side};
  spec["layers"][2]["units"] = classes;
  auto model = nn::build_sequential(spec, 4);
  io::save_model(dir / "m.scidl", *model, spec);
  return dir / "m.scidl";
}

std::string read_all(const std::filesystem::path& p) {
  std::ifstream in(p);
  return std::string((std::istreambuf_iterator<char>(in)), {});
}

io::Image read_png(const std::filesystem::path& path) {
  png_image png{};
  png.version = PNG_IMAGE_VERSION;
  EXPECT_TRUE(png_image_begin_read_from_file(&png, path.c_str())) << path;
  png.format = PNG_FORMAT_RGB;
  io::Image out(png.width, png.height);
  EXPECT_TRUE(png_image_finish_read(&png, nullptr, out.rgb.data(), 0, nullptr)) << path;
  return out;
}

// Whether `text`, drawn by draw_label in `color` on white, appears pixel for pixel in `page`.
bool shows_label(const io::Image& page, const std::string& text, io::Rgb color,
                 bool upwards = false) {
  const int64_t along = io::label_width(text), across = io::label_height();
  io::Image want(upwards ? across : along, upwards ? along : across);
  want.draw_label(0, 0, text, color, upwards);
  const int64_t row_bytes = 3 * want.width;
  for (int64_t y = 0; y + want.height <= page.height; ++y)
    for (int64_t x = 0; x + want.width <= page.width; ++x) {
      int64_t r = 0;
      while (r < want.height &&
             std::equal(want.rgb.begin() + r * row_bytes, want.rgb.begin() + (r + 1) * row_bytes,
                        page.rgb.begin() + 3 * ((y + r) * page.width + x)))
        ++r;
      if (r == want.height) return true;
    }
  return false;
}

// The first n Fashion-MNIST test images and labels, under the dataset's own file names.
void write_fashion_mnist_subset(const std::filesystem::path& dir, int64_t n) {
  const auto from = data::fashion_mnist_dir();
  auto images = data::read_idx(from / "t10k-images-idx3-ubyte.gz");
  auto labels = data::read_idx(from / "t10k-labels-idx1-ubyte.gz");
  images.dims[0] = labels.dims[0] = n;
  images.bytes.resize(n * 28 * 28);
  labels.bytes.resize(n);
  data::write_idx(dir / "t10k-images-idx3-ubyte.gz", images, true);
  data::write_idx(dir / "t10k-labels-idx1-ubyte.gz", labels, true);
}

// The named column of a CSV's first data row (no quoted commas in these files).
std::string first_row_cell(const std::filesystem::path& csv, const std::string& column) {
  std::stringstream lines(read_all(csv));
  std::string header, row, name, cell;
  std::getline(lines, header);
  std::getline(lines, row);
  std::stringstream names(header), cells(row);
  while (std::getline(names, name, ',') && std::getline(cells, cell, ','))
    if (name == column) return cell.front() == '"' ? cell.substr(1, cell.size() - 2) : cell;
  return "(no column " + column + ")";
}

// `scidl evaluate` of `model` on the images.idx.gz and labels.idx in dir, writing to dir/out.
CommandResult evaluate_in(const std::filesystem::path& dir, const std::filesystem::path& model) {
  return run_cli(fmt::format("evaluate --model {} --data {} {} --out {}", model.string(),
                             (dir / "images.idx.gz").string(), (dir / "labels.idx").string(),
                             (dir / "out").string()));
}

TEST(EvaluateCommand, WritesPerClassAccuracyConfusionMatrixAndGallery) {
  TempDir dir("evaluate_cli");
  write_images(dir.path, 12, 6);
  auto model = write_model(dir.path);
  auto r = evaluate_in(dir.path, model);
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
  auto r = evaluate_in(dir.path, model);
  EXPECT_NE(r.status, 0);
  EXPECT_NE(r.output.find("images.idx.gz"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("[1, 6, 6]"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("[1, 8, 8]"), std::string::npos) << r.output;
}

TEST(EvaluateCommand, ConfusionPngTitlesItsAxes) {
  TempDir dir("evaluate_cli_axes");
  write_images(dir.path, 12, 6);
  auto model = write_model(dir.path);
  auto r = evaluate_in(dir.path, model);
  ASSERT_EQ(r.status, 0) << r.output;
  const io::Image png = read_png(dir.path / "out" / "confusion.png");
  EXPECT_TRUE(shows_label(png, "predicted class", {0, 0, 0}));
  EXPECT_TRUE(shows_label(png, "true class", {0, 0, 0}, true));  // reading upwards, left
}

TEST(EvaluateCommand, GalleryCaptionsNameTheTrueAndThePredictedClass) {
  if (!std::filesystem::exists(data::fashion_mnist_dir() / "t10k-labels-idx1-ubyte.gz"))
    GTEST_SKIP() << "dataset-fashion-mnist is not installed";
  TempDir dir("evaluate_cli_gallery");
  write_fashion_mnist_subset(dir.path, 40);
  auto model = write_model(dir.path, 28, 10);
  ::setenv("SCIDL_FASHION_MNIST_DIR", dir.path.c_str(), 1);
  auto r = run_cli(fmt::format("evaluate --model {} --data fashion_mnist --out {}", model.string(),
                               (dir.path / "out").string()));
  ::unsetenv("SCIDL_FASHION_MNIST_DIR");
  ASSERT_EQ(r.status, 0) << r.output;
  const auto legend = dir.path / "out" / "misclassified.csv";
  const std::string truth = first_row_cell(legend, "true_name"),
                    guess = first_row_cell(legend, "predicted_name");
  ASSERT_NE(truth, guess);
  const io::Image png = read_png(dir.path / "out" / "misclassified.png");
  EXPECT_TRUE(shows_label(png, "true " + truth, {0, 0, 0})) << truth;
  EXPECT_TRUE(shows_label(png, "pred " + guess, {170, 0, 0})) << guess;
}

TEST(EvaluateCommand, LabelOutsideTheModelsClassesNamesTheLabelsFileAndExample) {
  TempDir dir("evaluate_cli_label");
  write_images(dir.path, 4, 6);
  data::IdxArray labels{data::IdxType::UInt8, {4}, {0, 1, 12, 2}};
  data::write_idx(dir.path / "labels.idx", labels, false);
  auto model = write_model(dir.path);
  auto r = evaluate_in(dir.path, model);
  EXPECT_NE(r.status, 0);
  EXPECT_NE(r.output.find("labels.idx': example 3 has class 12, but the model"), std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("has 3 outputs (classes 0 to 2)"), std::string::npos) << r.output;
  EXPECT_FALSE(std::filesystem::exists(dir.path / "out")) << "nothing is written";
}

}  // namespace
}  // namespace scidl::testing
