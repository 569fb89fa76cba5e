#include "scidl/nn/merge.h"

#include <fmt/format.h>

#include "scidl/ops/elementwise.h"
#include "scidl/ops/shape_ops.h"

namespace scidl::nn {

namespace {
void need_two(const std::string& what, size_t n) {
  if (n < 2)
    throw std::invalid_argument(fmt::format("{} joins two inputs or more, got {}", what, n));
}
std::vector<Shape> per_example(const std::vector<Tensor>& xs) {
  std::vector<Shape> shapes;
  for (const auto& x : xs)
    shapes.emplace_back(x.shape().begin() + (x.dim() ? 1 : 0), x.shape().end());
  return shapes;
}
}  // namespace

Shape Add::output_shape(const std::vector<Shape>& inputs) {
  need_two("add", inputs.size());
  for (size_t i = 1; i < inputs.size(); ++i)
    if (inputs[i] != inputs[0])
      throw std::invalid_argument(fmt::format("add needs inputs of one shape, got {} and {}",
                                              shape_str(inputs[0]), shape_str(inputs[i])));
  return inputs[0];
}

Tensor Add::forward(const Tensor&) {
  throw std::invalid_argument("add joins two inputs or more, got 1");
}

Tensor Add::forward_inputs(const std::vector<Tensor>& xs) {
  need_two("add", xs.size());
  for (size_t i = 1; i < xs.size(); ++i)
    if (xs[i].shape() != xs[0].shape())
      throw std::invalid_argument(fmt::format("add needs inputs of one shape, got {} and {}",
                                              shape_str(xs[0].shape()), shape_str(xs[i].shape())));
  Tensor sum = xs[0];
  for (size_t i = 1; i < xs.size(); ++i) sum = sum + xs[i];
  return sum;
}

std::string Concat::describe() const { return fmt::format("Concat(axis={})", axis_); }

Shape Concat::output_shape(const std::vector<Shape>& inputs) const {
  need_two("concat", inputs.size());
  const int64_t rank = int64_t(inputs[0].size());
  const int64_t axis = axis_ < 0 ? axis_ + rank : axis_;
  Shape out = inputs[0];
  for (size_t i = 1; i < inputs.size(); ++i) {
    bool fits = int64_t(inputs[i].size()) == rank && axis >= 0 && axis < rank;
    for (int64_t d = 0; fits && d < rank; ++d)
      fits = d == axis || inputs[i][size_t(d)] == inputs[0][size_t(d)];
    if (!fits)
      throw std::invalid_argument(fmt::format(
          "concat along axis {} needs inputs that agree in every other dimension, got {} and {}",
          axis_, shape_str(inputs[0]), shape_str(inputs[i])));
    out[size_t(axis)] += inputs[i][size_t(axis)];
  }
  return out;
}

Tensor Concat::forward(const Tensor&) {
  throw std::invalid_argument("concat joins two inputs or more, got 1");
}

Tensor Concat::forward_inputs(const std::vector<Tensor>& xs) {
  const Shape example = output_shape(per_example(xs));
  const int64_t rank = int64_t(example.size());
  return concat(xs, 1 + (axis_ < 0 ? axis_ + rank : axis_));  // past the batch dimension
}

}  // namespace scidl::nn
