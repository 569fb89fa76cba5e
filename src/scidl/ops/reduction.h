// Reductions over one or more dims (all dims when `dims` is empty), with keepdim as in PyTorch.
#pragma once
#include <vector>

#include "scidl/tensor/tensor.h"

namespace scidl {

Tensor sum(const Tensor& x, const std::vector<int64_t>& dims = {}, bool keepdim = false);
Tensor mean(const Tensor& x, const std::vector<int64_t>& dims = {}, bool keepdim = false);
// Gradient flows to the maximal (minimal) elements, split evenly between ties.
Tensor max(const Tensor& x, const std::vector<int64_t>& dims = {}, bool keepdim = false);
Tensor min(const Tensor& x, const std::vector<int64_t>& dims = {}, bool keepdim = false);
// Index (int64) of the first maximum/minimum along dim; not differentiable.
Tensor argmax(const Tensor& x, int64_t dim, bool keepdim = false);
Tensor argmin(const Tensor& x, int64_t dim, bool keepdim = false);

}  // namespace scidl
