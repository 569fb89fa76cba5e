// Pooling and spatial dropout modules for NCHW images: MaxPool2d, AvgPool2d (Keras:
// MaxPooling2D/AveragePooling2D, stride defaulting to the pool size), GlobalAvgPool2d
// ([N, C, H, W] -> [N, C]) and Dropout2d (drops whole channels; its own seeded generator).
// Contract: output_shape() maps a per-image [C, H, W] to the shape forward() produces.
#pragma once
#include "scidl/nn/activation.h"
#include "scidl/nn/module.h"
#include "scidl/ops/pool.h"
#include "scidl/tensor/random.h"

namespace scidl::nn {

class MaxPool2d : public Module {
 public:
  explicit MaxPool2d(Pool2dOptions options = {}) : o_(options) {}
  Tensor forward(const Tensor& x) override { return max_pool2d(x, o_); }
  std::string describe() const override;
  Shape output_shape(const Shape& chw) const;
  const Pool2dOptions& options() const { return o_; }

 private:
  Pool2dOptions o_;
};

class AvgPool2d : public Module {
 public:
  explicit AvgPool2d(Pool2dOptions options = {}) : o_(options) {}
  Tensor forward(const Tensor& x) override { return avg_pool2d(x, o_); }
  std::string describe() const override;
  Shape output_shape(const Shape& chw) const;
  const Pool2dOptions& options() const { return o_; }

 private:
  Pool2dOptions o_;
};

class GlobalAvgPool2d : public Module {
 public:
  Tensor forward(const Tensor& x) override { return global_avg_pool2d(x); }
  std::string describe() const override { return "GlobalAvgPool2d"; }
};

// Spatial dropout: whole channels at once. A Dropout, so checkpoints save its generator.
class Dropout2d : public Dropout {
 public:
  explicit Dropout2d(double p = 0.5, uint64_t seed = 0) : Dropout(p, seed) {}
  Tensor forward(const Tensor& x) override;
  std::string describe() const override;
};

}  // namespace scidl::nn
