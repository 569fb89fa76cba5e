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
  Dataset d = load_idx_dataset(images, labels, dtype);
  d.y_names = fashion_mnist_classes();
  return d;
}

Dataset load_idx_dataset(const std::filesystem::path& images, const std::filesystem::path& labels,
                         DType dtype) {
  IdxArray x = read_idx(images);
  IdxArray y = read_idx(labels);
  if (x.dims.size() != 3 && x.dims.size() != 4)
    throw std::invalid_argument(
        fmt::format("'{}' holds an array of shape {}, not images: expected [N, height, width] or "
                    "[N, channels, height, width]",
                    images.string(), shape_str(x.dims)));
  if (y.dims.size() != 1)
    throw std::invalid_argument(fmt::format(
        "'{}' holds an array of shape {}, not labels: expected one label per image, [N]",
        labels.string(), shape_str(y.dims)));
  if (x.dims[0] != y.dims[0])
    throw std::invalid_argument(fmt::format(
        "'{}' holds {} images but '{}' holds {} labels; they must pair up one to one (are they "
        "from the same split?)",
        images.string(), x.dims[0], labels.string(), y.dims[0]));
  if (x.type != IdxType::UInt8)
    throw std::invalid_argument(
        fmt::format("'{}': images must be unsigned bytes (IDX type 0x08), found type 0x{:02X}",
                    images.string(), static_cast<int>(x.type)));
  Dataset d;
  d.x = idx_to_tensor(x, dtype, 1.0 / 255.0);
  if (x.dims.size() == 3) d.x = reshape(d.x, {x.dims[0], 1, x.dims[1], x.dims[2]});
  d.y = idx_to_tensor(y, DType::Int64);
  auto labels_v = d.y.to_vector<int64_t>();
  for (size_t i = 0; i < labels_v.size(); ++i)
    if (labels_v[i] < 0)
      throw std::invalid_argument(
          fmt::format("'{}': label {} is {}, not a class index", labels.string(), i, labels_v[i]));
  return d;
}

}  // namespace scidl::data
