#include "scidl/ops/scatter.h"

#include <fmt/format.h>

#include "scidl/autograd/grad_mode.h"
#include "scidl/ops/elementwise.h"
#include "scidl/ops/indexing.h"
#include "scidl/ops/op_util.h"
#include "scidl/ops/shape_ops.h"

namespace scidl {

using namespace ops_detail;

namespace {

void check_rows(const char* what, const Tensor& src, const Tensor& index, int64_t dim_size) {
  if (index.dtype() != DType::Int64 || index.dim() != 1)
    throw std::invalid_argument(
        fmt::format("{}: index must be a 1-D int64 tensor, got {}", what, index.str()));
  if (src.dim() < 1 || src.shape()[0] != index.numel())
    throw std::invalid_argument(fmt::format("{}: src {} needs one row per index entry ({})", what,
                                            shape_str(src.shape()), index.numel()));
  if (dim_size < 0)
    throw std::invalid_argument(fmt::format("{}: dim_size must be >= 0, got {}", what, dim_size));
}

Shape segments_shape(const Tensor& src, int64_t dim_size) {
  Shape s = src.shape();
  s[0] = dim_size;
  return s;
}

// Rows per segment, [dim_size, 1, ...] broadcastable against the output, at least 1.
Tensor segment_counts(const Tensor& index, int64_t dim_size, const Tensor& like) {
  NoGradGuard raw;
  Tensor ones_rows = ones({index.numel()}, like.dtype(), like.device());
  Tensor counts = zeros({dim_size}, like.dtype(), like.device());
  backend_of(like).index_add(counts, 0, index, ones_rows);
  Shape s(static_cast<size_t>(like.dim()), 1);
  s[0] = dim_size;
  return reshape(maximum(counts, ones({}, like.dtype(), like.device())), s);
}

}  // namespace

Tensor scatter_sum(const Tensor& src, const Tensor& index, int64_t dim_size) {
  check_rows("scatter_sum", src, index, dim_size);
  Tensor out = zeros(segments_shape(src, dim_size), src.dtype(), src.device());
  backend_of(src).index_add(out, 0, index, src);
  return record("scatter_sum", out, {src}, [index](const Tensor& g) {
    return std::vector<Tensor>{index_select(g, 0, index)};
  });
}

Tensor scatter_mean(const Tensor& src, const Tensor& index, int64_t dim_size) {
  check_rows("scatter_mean", src, index, dim_size);
  return scatter_sum(src, index, dim_size) / segment_counts(index, dim_size, src);
}

Tensor scatter_max(const Tensor& src, const Tensor& index, int64_t dim_size) {
  check_rows("scatter_max", src, index, dim_size);
  Tensor out = empty(segments_shape(src, dim_size), src.dtype(), src.device());
  backend_of(src).segment_max(src, index, out);
  return record("scatter_max", out, {src},
                [src = src.detach(), index, maxima = out.detach(), dim_size](const Tensor& g) {
                  // The rows that attain their segment's max, each taking an equal share of its
                  // gradient.
                  Tensor hit = eq(src, index_select(maxima, 0, index));
                  Tensor ties = scatter_sum(hit, index, dim_size);
                  Tensor share = g / maximum(ties, ones({}, g.dtype(), g.device()));
                  return std::vector<Tensor>{hit * index_select(share, 0, index)};
                });
}

Tensor scatter_reduce_rows(const Tensor& src, const Tensor& index, int64_t dim_size,
                           const std::string& reduce) {
  if (reduce == "sum" || reduce == "add") return scatter_sum(src, index, dim_size);
  if (reduce == "mean") return scatter_mean(src, index, dim_size);
  if (reduce == "max") return scatter_max(src, index, dim_size);
  throw std::invalid_argument(
      fmt::format("unknown aggregation '{}': choose add (sum), mean or max", reduce));
}

}  // namespace scidl
