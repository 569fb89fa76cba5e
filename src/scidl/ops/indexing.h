// Indexing with int64 index tensors. scatter_add is how graph networks sum messages into nodes.
#pragma once
#include "scidl/tensor/tensor.h"

namespace scidl {

// Picks entries `index` (1-D) along dim: out.shape[dim] = index.numel().
Tensor index_select(const Tensor& x, int64_t dim, const Tensor& index);
// out[i][j] = x[i][index[i][j]] (dim 1), index of the output's shape (torch.gather).
Tensor gather(const Tensor& x, int64_t dim, const Tensor& index);
// self with src added at positions index along dim (torch.scatter_add, out of place).
Tensor scatter_add(const Tensor& self, int64_t dim, const Tensor& index, const Tensor& src);

}  // namespace scidl
