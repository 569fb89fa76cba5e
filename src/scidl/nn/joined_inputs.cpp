#include "scidl/nn/joined_inputs.h"

#include <fmt/format.h>

#include "scidl/ops/shape_ops.h"

namespace scidl::nn {

JoinedInputs::JoinedInputs(Module& model, std::vector<std::pair<std::string, int64_t>> widths)
    : model_(model), widths_(std::move(widths)) {}

Tensor JoinedInputs::forward(const Tensor& x) {
  std::vector<int64_t> sizes;
  int64_t total = 0;
  for (const auto& [name, width] : widths_) {
    sizes.push_back(width);
    total += width;
  }
  if (x.dim() != 2 || x.shape()[1] != total)
    throw std::invalid_argument(fmt::format("{}: expects [N, {}] (the inputs' columns), got {}",
                                            describe(), total, shape_str(x.shape())));
  const auto pieces = split(x, sizes, 1);
  TensorDict inputs;
  for (size_t i = 0; i < widths_.size(); ++i) inputs.set(widths_[i].first, pieces[i]);
  return model_.forward_batch(inputs);
}

std::string JoinedInputs::describe() const {
  std::vector<std::string> parts;
  for (const auto& [name, width] : widths_) parts.push_back(fmt::format("{} ({})", name, width));
  return fmt::format("JoinedInputs({})", fmt::join(parts, ", "));
}

}  // namespace scidl::nn
