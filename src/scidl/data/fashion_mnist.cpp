#include "scidl/data/fashion_mnist.h"

#include <fmt/format.h>

#include <cstdlib>

#include "scidl/data/idx.h"
#include "scidl/ops/shape_ops.h"

namespace scidl::data {

const std::vector<std::string>& fashion_mnist_classes() {
  static const std::vector<std::string> names{"T-shirt/top", "Trouser",   "Pullover", "Dress",
                                              "Coat",        "Sandal",    "Shirt",    "Sneaker",
                                              "Bag",         "Ankle boot"};
  return names;
}

std::filesystem::path fashion_mnist_dir() {
  if (const char* dir = std::getenv("SCIDL_FASHION_MNIST_DIR"); dir && *dir) return dir;
  return "/usr/share/datasets/fashion-mnist";
}

namespace {

bool integer_type(IdxType t) {
  return t == IdxType::UInt8 || t == IdxType::Int8 || t == IdxType::Int16 || t == IdxType::Int32;
}

// Images are [N, H, W] or [N, C, H, W] unsigned bytes, every size at least 1.
void check_images(const std::filesystem::path& images, const IdxArray& x) {
  if (x.dims.size() != 3 && x.dims.size() != 4)
    throw std::invalid_argument(fmt::format(
        "'{}' holds an array of shape {} (magic number 0x{:08X}), not images: expected [N, "
        "height, width] (0x00000803) or [N, channels, height, width] (0x00000804)",
        images.string(), shape_str(x.dims), x.magic()));
  if (x.type != IdxType::UInt8)
    throw std::invalid_argument(
        fmt::format("'{}': images must be unsigned bytes (IDX type 0x08), found type 0x{:02X}",
                    images.string(), static_cast<int>(x.type)));
  if (x.count() == 0)
    throw std::invalid_argument(
        fmt::format("'{}' holds images of shape {}, which has no pixels: every size must be at "
                    "least 1",
                    images.string(), shape_str(x.dims)));
}

// Labels are one integer per image, [N].
void check_labels(const std::filesystem::path& labels, const IdxArray& y) {
  if (y.dims.size() != 1)
    throw std::invalid_argument(fmt::format(
        "'{}' holds an array of shape {} (magic number 0x{:08X}), not labels: expected one label "
        "per image, [N] (0x00000801)",
        labels.string(), shape_str(y.dims), y.magic()));
  if (!integer_type(y.type))
    throw std::invalid_argument(fmt::format(
        "'{}': labels must be integer class indices (IDX type 0x08 unsigned bytes, or 0x09, 0x0B, "
        "0x0C), found type 0x{:02X}",
        labels.string(), static_cast<int>(y.type)));
}

// The files of the dataset as Zalando publishes them: [N, 28, 28] and [N], unsigned bytes. Any
// other layout means a different or damaged file in the Fashion-MNIST folder.
void check_fashion_mnist_layout(const std::filesystem::path& images, const IdxArray& x,
                                const std::filesystem::path& labels, const IdxArray& y) {
  if (x.magic() != 0x803 || x.dims[1] != 28 || x.dims[2] != 28)
    throw std::invalid_argument(fmt::format(
        "'{}' is not a Fashion-MNIST images file: magic number 0x{:08X}, shape {}; expected "
        "0x00000803, [N, 28, 28]. Reinstall dataset-fashion-mnist or check "
        "SCIDL_FASHION_MNIST_DIR",
        images.string(), x.magic(), shape_str(x.dims)));
  if (y.magic() != 0x801)
    throw std::invalid_argument(fmt::format(
        "'{}' is not a Fashion-MNIST labels file: magic number 0x{:08X}, shape {}; expected "
        "0x00000801, [N]. Reinstall dataset-fashion-mnist or check SCIDL_FASHION_MNIST_DIR",
        labels.string(), y.magic(), shape_str(y.dims)));
}

Dataset dataset_from_idx(const std::filesystem::path& images, const IdxArray& x,
                         const std::filesystem::path& labels, const IdxArray& y, DType dtype) {
  check_images(images, x);
  check_labels(labels, y);
  if (x.dims[0] != y.dims[0])
    throw std::invalid_argument(fmt::format(
        "'{}' holds {} images but '{}' holds {} labels; they must pair up one to one (are they "
        "from the same split?)",
        images.string(), x.dims[0], labels.string(), y.dims[0]));
  Dataset d;
  d.x = idx_to_tensor(x, dtype, 1.0 / 255.0);
  if (x.dims.size() == 3) d.x = reshape(d.x, {x.dims[0], 1, x.dims[1], x.dims[2]});
  d.y = idx_to_tensor(y, DType::Int64);
  auto labels_v = d.y.to_vector<int64_t>();
  for (size_t i = 0; i < labels_v.size(); ++i)
    if (labels_v[i] < 0)
      throw std::invalid_argument(fmt::format("'{}': example {} has label {}, not a class index",
                                              labels.string(), i + 1, labels_v[i]));
  return d;
}

}  // namespace

Dataset load_fashion_mnist(const std::string& split, DType dtype) {
  if (split != "train" && split != "test")
    throw std::invalid_argument(
        fmt::format("fashion_mnist: unknown split '{}'; choose \"train\" or \"test\"", split));
  const std::filesystem::path dir = fashion_mnist_dir();
  const std::string stem = split == "train" ? "train" : "t10k";
  auto find = [&](const std::string& kind) {
    for (const char* ext : {".gz", ""}) {
      auto p = dir / (stem + "-" + kind + ext);
      if (std::filesystem::exists(p)) return p;
    }
    throw std::runtime_error(
        fmt::format("Fashion-MNIST is not installed: '{}' is missing. Install it with "
                    "`apt-get install dataset-fashion-mnist` (or scripts/setup.sh), or point "
                    "SCIDL_FASHION_MNIST_DIR at a folder holding the four IDX files",
                    (dir / (stem + "-" + kind + ".gz")).string()));
  };
  const auto images = find("images-idx3-ubyte");
  const auto labels = find("labels-idx1-ubyte");
  const IdxArray x = read_idx(images), y = read_idx(labels);
  check_fashion_mnist_layout(images, x, labels, y);
  Dataset d = dataset_from_idx(images, x, labels, y, dtype);
  d.y_names = fashion_mnist_classes();
  return d;
}

Dataset load_idx_dataset(const std::filesystem::path& images, const std::filesystem::path& labels,
                         DType dtype) {
  return dataset_from_idx(images, read_idx(images), labels, read_idx(labels), dtype);
}

}  // namespace scidl::data
