// Shapes and strides (in elements, row-major). Helpers for broadcasting and printing.
#pragma once
#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

namespace scidl {

using Shape = std::vector<int64_t>;

int64_t numel_of(const Shape& shape);
Shape contiguous_strides(const Shape& shape);
std::string shape_str(const Shape& shape);
// NumPy broadcasting; throws naming the op and both shapes when they do not fit.
Shape broadcast_shapes(const Shape& a, const Shape& b, const char* op);
// Maps a possibly negative dim into [0, rank); throws naming the op on out-of-range dims.
int64_t wrap_dim(int64_t dim, int64_t rank, const char* op);

}  // namespace scidl
