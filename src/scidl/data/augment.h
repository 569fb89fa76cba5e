// Seeded on-the-fly image augmentation for NCHW batches: horizontal flip, pad + random crop,
// rotation, scaling, translation, Gaussian noise and random erasing (Zhong et al. 2020). Each
// image draws its own parameters from the augmenter's generator in a fixed order, so a seed
// fixes every augmented batch. Geometric steps are one inverse map with bilinear sampling; what
// comes from outside the image is zero (black, Fashion-MNIST's background).
// Contract: operator() takes a contiguous or strided float tensor [N, C, H, W] and returns a new
// tensor of the same shape and dtype; the input is not changed. With default options it copies.
#pragma once
#include <filesystem>
#include <nlohmann/json.hpp>

#include "scidl/tensor/random.h"
#include "scidl/tensor/tensor.h"

namespace scidl::data {

struct AugmentOptions {
  double flip = 0;       // probability of a horizontal flip
  int64_t pad_crop = 0;  // pad by this many pixels, crop back at a random offset
  double rotation = 0;   // degrees, uniform in [-rotation, rotation]
  double scale = 0;      // zoom factor uniform in [1 - scale, 1 + scale]
  double translate = 0;  // shift, a fraction of the size, uniform in [-t, t] per axis
  double noise = 0;      // standard deviation of added Gaussian noise
  double erase = 0;      // probability of erasing a rectangle (2-33% of the area)
  bool any() const {
    return flip > 0 || pad_crop > 0 || rotation > 0 || scale > 0 || translate > 0 || noise > 0 ||
           erase > 0;
  }
};

// Options from a config table such as { flip = 0.5, pad_crop = 2 } (keys as in AugmentOptions);
// unknown keys and wrong types throw naming `where` and the valid keys.
AugmentOptions parse_augment_options(const nlohmann::json& table, const std::string& where);

class Augmenter {
 public:
  explicit Augmenter(AugmentOptions options = {}, uint64_t seed = 0);
  Tensor operator()(const Tensor& images);
  const AugmentOptions& options() const { return o_; }
  Generator& generator() { return gen_; }

 private:
  AugmentOptions o_;
  Generator gen_;
};

// A PNG grid: each row shows one image first as it is, then `variants` augmented versions.
void write_augmentation_grid(const std::filesystem::path& path, const Tensor& images,
                             Augmenter& augmenter, int64_t rows, int64_t variants,
                             int64_t scale = 3);

}  // namespace scidl::data
