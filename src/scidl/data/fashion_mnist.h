// Fashion-MNIST (Zalando, 2017): 60,000 training and 10,000 test greyscale 28x28 images of 10
// kinds of clothing, read from Debian's dataset-fashion-mnist (/usr/share/datasets/fashion-mnist/,
// or the folder in SCIDL_FASHION_MNIST_DIR). Images become x [N, 1, 28, 28] scaled to [0, 1],
// labels y int64 [N]. Any IDX image/label pair loads the same way through load_idx_dataset.
#pragma once
#include <filesystem>
#include <string>
#include <vector>

#include "scidl/data/dataset.h"

namespace scidl::data {

const std::vector<std::string>& fashion_mnist_classes();  // "T-shirt/top", "Trouser", ...
std::filesystem::path fashion_mnist_dir();
// split: "train" or "test". Missing files raise an error naming the package to install; files
// that are not [N, 28, 28] images and [N] labels, unsigned bytes, are refused by name.
Dataset load_fashion_mnist(const std::string& split, DType dtype = DType::Float32);

// Images (IDX, [N, H, W] or [N, C, H, W], unsigned bytes, no size 0) and labels ([N], integers
// >= 0); the counts must agree. Pixels are scaled by 1/255 into [0, 1].
Dataset load_idx_dataset(const std::filesystem::path& images, const std::filesystem::path& labels,
                         DType dtype = DType::Float32);

}  // namespace scidl::data
