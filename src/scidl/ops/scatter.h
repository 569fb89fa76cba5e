// Segment reductions of rows, what graph networks aggregate messages with (PyG's
// torch_geometric.utils.scatter along dim 0): out[i] = reduce over the rows e of src whose
// index[e] == i. src [E, ...], index int64 [E] in [0, dim_size), out [dim_size, ...]. A segment
// no row maps to gives 0 for every reduction (PyG's convention).
//   sum   gradient: the output's gradient gathered back to each row
//   mean  sum / rows in the segment
//   max   gradient to the rows that attain the max, split evenly among ties (torch's amax)
#pragma once
#include "scidl/tensor/tensor.h"

namespace scidl {

Tensor scatter_sum(const Tensor& src, const Tensor& index, int64_t dim_size);
Tensor scatter_mean(const Tensor& src, const Tensor& index, int64_t dim_size);
Tensor scatter_max(const Tensor& src, const Tensor& index, int64_t dim_size);
// "sum" (or "add"), "mean", "max"; throws naming the choices.
Tensor scatter_reduce_rows(const Tensor& src, const Tensor& index, int64_t dim_size,
                           const std::string& reduce);

}  // namespace scidl
