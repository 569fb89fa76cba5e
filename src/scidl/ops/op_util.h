// Helpers shared by the op implementations (not part of the public API).
#pragma once
#include <optional>

#include "scidl/autograd/engine.h"
#include "scidl/backend/backend.h"
#include "scidl/ops/linalg.h"
#include "scidl/tensor/tensor.h"

namespace scidl::ops_detail {

using autograd::record;
using backend::backend_of;

// A view of t broadcast to `shape` (zero strides on broadcast dims); no copy.
Tensor expand_view(const Tensor& t, const Shape& shape);
// Sums a broadcast gradient back down to `shape` (the backward of broadcasting).
Tensor sum_to(const Tensor& g, const Shape& shape);
// Throws naming the op when operands differ in dtype or device.
void check_same(const char* op, const Tensor& a, const Tensor& b);
void check_floating(const char* op, const Tensor& t);

// The activation as a backend's fused dense kernels take it; none for those they do not apply
// (those layers compose a product and an elementwise pass).
inline std::optional<Activation> fused_activation(Activation act) {
  if (act == Activation::Sigmoid) return std::nullopt;
  return act;
}

}  // namespace scidl::ops_detail
