// Differentiable views and rearrangements. reshape, permute, transpose, slice, expand, squeeze
// and unsqueeze return views sharing storage whenever the layout allows (reshape copies only a
// non-contiguous input); concat and stack copy.
#pragma once
#include <vector>

#include "scidl/tensor/tensor.h"

namespace scidl {

// A compact copy when x is not contiguous (x itself otherwise); gradients flow through.
Tensor contiguous(const Tensor& x);
Tensor reshape(const Tensor& x, Shape shape);  // one entry may be -1 (inferred)
Tensor flatten(const Tensor& x, int64_t start_dim = 1, int64_t end_dim = -1);
Tensor permute(const Tensor& x, const std::vector<int64_t>& dims);
Tensor transpose(const Tensor& x, int64_t dim0, int64_t dim1);
// Elements start, start+step, ... < end along dim (end clamped to the size).
Tensor slice(const Tensor& x, int64_t dim, int64_t start, int64_t end, int64_t step = 1);
Tensor expand(const Tensor& x, const Shape& shape);  // broadcast view
Tensor squeeze(const Tensor& x, int64_t dim);
Tensor unsqueeze(const Tensor& x, int64_t dim);
Tensor concat(const std::vector<Tensor>& xs, int64_t dim);
Tensor stack(const std::vector<Tensor>& xs, int64_t dim);
// Views of consecutive pieces along dim, of the given sizes (they must add up to the size):
// one autograd node with one output per piece, so a backward through any of them works.
std::vector<Tensor> split(const Tensor& x, const std::vector<int64_t>& sizes, int64_t dim);
// `chunks` pieces of equal size along dim (PyTorch's chunk with a size divisible by chunks).
std::vector<Tensor> chunk(const Tensor& x, int64_t chunks, int64_t dim);

}  // namespace scidl
