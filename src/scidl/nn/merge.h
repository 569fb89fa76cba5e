// Layers that join several inputs: Add (residual connections) and Concat (skip connections,
// several model inputs). They sit in model graphs (nn/graph.h), where a layer names its inputs.
#pragma once
#include "scidl/nn/module.h"

namespace scidl::nn {

// The elementwise sum of inputs of one shape (Keras Add).
class Add : public Module {
 public:
  Tensor forward(const Tensor& x) override;  // refuses: needs two inputs or more
  Tensor forward_inputs(const std::vector<Tensor>& xs) override;
  std::string describe() const override { return "Add"; }
  // The output's per-example shape, or an error naming both shapes that do not match.
  static Shape output_shape(const std::vector<Shape>& inputs);
};

// The inputs joined along `axis` of the per-example shape (Keras Concatenate; -1: the last).
class Concat : public Module {
 public:
  explicit Concat(int64_t axis = -1) : axis_(axis) {}
  int64_t axis() const { return axis_; }  // of the per-example shape
  Tensor forward(const Tensor& x) override;
  Tensor forward_inputs(const std::vector<Tensor>& xs) override;
  std::string describe() const override;
  Shape output_shape(const std::vector<Shape>& inputs) const;

 private:
  int64_t axis_;
};

}  // namespace scidl::nn
