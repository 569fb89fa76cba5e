#include "scidl/ops/shape_ops.h"

#include <fmt/format.h>

#include <numeric>
#include <optional>

#include "scidl/ops/op_util.h"

namespace scidl {

using namespace ops_detail;

namespace {

Tensor view_of(const char* name, const Tensor& x, const Shape& shape, const Shape& strides,
               int64_t offset, autograd::Node::BackwardFn fn) {
  Tensor out = x.as_strided(shape, strides, offset);
  return record(name, out, {x}, std::move(fn));
}

// Strides for viewing x as `shape` without a copy, if its layout allows (empty if not).
std::optional<Shape> view_strides(const Tensor& x, const Shape& shape) {
  if (x.is_contiguous()) return contiguous_strides(shape);
  return std::nullopt;
}

}  // namespace

Tensor contiguous(const Tensor& x) {
  if (x.is_contiguous()) return x;
  return record("contiguous", x.clone(), {x},
                [](const Tensor& g) { return std::vector<Tensor>{g}; });
}

Tensor reshape(const Tensor& x, Shape shape) {
  int64_t known = 1, infer = -1;
  for (size_t i = 0; i < shape.size(); ++i) {
    if (shape[i] == -1) {
      if (infer >= 0) throw std::invalid_argument("reshape: only one dimension can be -1");
      infer = static_cast<int64_t>(i);
    } else {
      known *= shape[i];
    }
  }
  if (infer >= 0 && known != 0 && x.numel() % known == 0) shape[infer] = x.numel() / known;
  if (numel_of(shape) != x.numel())
    throw std::invalid_argument(
        fmt::format("reshape: cannot view a tensor of shape {} ({} elements) as {}",
                    shape_str(x.shape()), x.numel(), shape_str(shape)));
  Tensor src = x;
  auto strides = view_strides(x, shape);
  if (!strides) {  // non-contiguous: copy first (recorded, so gradients still flow)
    src = contiguous(x);
    strides = contiguous_strides(shape);
  }
  Shape in_shape = x.shape();
  return view_of("reshape", src, shape, *strides, src.offset(), [in_shape](const Tensor& g) {
    return std::vector<Tensor>{reshape(g.contiguous(), in_shape)};
  });
}

Tensor flatten(const Tensor& x, int64_t start_dim, int64_t end_dim) {
  int64_t r = x.dim();
  if (r == 0) return reshape(x, {1});
  start_dim = wrap_dim(start_dim, r, "flatten");
  end_dim = wrap_dim(end_dim, r, "flatten");
  Shape shape(x.shape().begin(), x.shape().begin() + start_dim);
  int64_t m = 1;
  for (int64_t d = start_dim; d <= end_dim; ++d) m *= x.shape()[d];
  shape.push_back(m);
  shape.insert(shape.end(), x.shape().begin() + end_dim + 1, x.shape().end());
  return reshape(x, shape);
}

Tensor permute(const Tensor& x, const std::vector<int64_t>& dims_in) {
  int64_t r = x.dim();
  if (static_cast<int64_t>(dims_in.size()) != r)
    throw std::invalid_argument(
        fmt::format("permute: {} dims given for a tensor of rank {}", dims_in.size(), r));
  std::vector<int64_t> dims(r), inverse(r, -1);
  Shape shape(r), strides(r);
  for (int64_t i = 0; i < r; ++i) {
    dims[i] = wrap_dim(dims_in[i], r, "permute");
    if (inverse[dims[i]] != -1) throw std::invalid_argument("permute: repeated dimension");
    inverse[dims[i]] = i;
    shape[i] = x.shape()[dims[i]];
    strides[i] = x.strides()[dims[i]];
  }
  return view_of("permute", x, shape, strides, x.offset(),
                 [inverse](const Tensor& g) { return std::vector<Tensor>{permute(g, inverse)}; });
}

Tensor transpose(const Tensor& x, int64_t dim0, int64_t dim1) {
  std::vector<int64_t> dims(x.dim());
  std::iota(dims.begin(), dims.end(), 0);
  std::swap(dims[wrap_dim(dim0, x.dim(), "transpose")], dims[wrap_dim(dim1, x.dim(), "transpose")]);
  return permute(x, dims);
}

Tensor slice(const Tensor& x, int64_t dim, int64_t start, int64_t end, int64_t step) {
  dim = wrap_dim(dim, x.dim(), "slice");
  int64_t size = x.shape()[dim];
  if (step < 1) throw std::invalid_argument("slice: step must be at least 1");
  if (start < 0) start += size;
  if (end < 0) end += size;
  start = std::clamp<int64_t>(start, 0, size);
  end = std::clamp<int64_t>(end, start, size);
  Shape shape = x.shape(), strides = x.strides();
  shape[dim] = (end - start + step - 1) / step;
  strides[dim] *= step;
  Shape in_shape = x.shape();
  return view_of("slice", x, shape, strides, x.offset() + start * x.strides()[dim],
                 [in_shape, dim, start, step](const Tensor& g) {
                   Tensor full_grad = zeros(in_shape, g.dtype(), g.device());
                   Shape st = full_grad.strides();
                   Shape sh = g.shape();
                   st[dim] *= step;
                   full_grad.as_strided(sh, st, start * full_grad.strides()[dim]).copy_(g);
                   return std::vector<Tensor>{full_grad};
                 });
}

Tensor expand(const Tensor& x, const Shape& shape) {
  Shape b = broadcast_shapes(x.shape(), shape, "expand");
  if (b != shape)
    throw std::invalid_argument(fmt::format("expand: cannot expand shape {} to {}",
                                            shape_str(x.shape()), shape_str(shape)));
  Tensor v = expand_view(x, shape);
  Shape in_shape = x.shape();
  return view_of("expand", x, v.shape(), v.strides(), v.offset(),
                 [in_shape](const Tensor& g) { return std::vector<Tensor>{sum_to(g, in_shape)}; });
}

Tensor squeeze(const Tensor& x, int64_t dim) {
  dim = wrap_dim(dim, x.dim(), "squeeze");
  if (x.shape()[dim] != 1) return x;
  Shape shape = x.shape();
  shape.erase(shape.begin() + dim);
  return reshape(x, shape);
}

Tensor unsqueeze(const Tensor& x, int64_t dim) {
  dim = wrap_dim(dim, x.dim() + 1, "unsqueeze");
  Shape shape = x.shape(), strides = x.strides();
  int64_t st = dim < x.dim() ? x.strides()[dim] * x.shape()[dim] : 1;
  shape.insert(shape.begin() + dim, 1);
  strides.insert(strides.begin() + dim, st);
  Shape in_shape = x.shape();
  return view_of("unsqueeze", x, shape, strides, x.offset(), [in_shape](const Tensor& g) {
    return std::vector<Tensor>{reshape(g.contiguous(), in_shape)};
  });
}

Tensor concat(const std::vector<Tensor>& xs, int64_t dim) {
  if (xs.empty()) throw std::invalid_argument("concat: no tensors given");
  dim = wrap_dim(dim, xs[0].dim(), "concat");
  Shape shape = xs[0].shape();
  int64_t total = 0;
  for (const auto& t : xs) {
    check_same("concat", xs[0], t);
    Shape a = t.shape(), b = xs[0].shape();
    if (a.size() != b.size()) goto mismatch;
    for (size_t d = 0; d < a.size(); ++d)
      if (static_cast<int64_t>(d) != dim && a[d] != b[d]) goto mismatch;
    total += t.shape()[dim];
    continue;
  mismatch:
    throw std::invalid_argument(fmt::format("concat: shapes {} and {} differ outside dimension {}",
                                            shape_str(b), shape_str(a), dim));
  }
  shape[dim] = total;
  Tensor out = empty(shape, xs[0].dtype(), xs[0].device());
  std::vector<int64_t> sizes;
  int64_t at = 0;
  for (const auto& t : xs) {
    Shape sh = t.shape();
    out.as_strided(sh, out.strides(), at * out.strides()[dim]).copy_(t);
    sizes.push_back(t.shape()[dim]);
    at += t.shape()[dim];
  }
  return record("concat", out, xs, [sizes, dim](const Tensor& g) {
    std::vector<Tensor> grads;
    int64_t at = 0;
    for (int64_t s : sizes) {
      grads.push_back(slice(g, dim, at, at + s).contiguous());
      at += s;
    }
    return grads;
  });
}

std::vector<Tensor> split(const Tensor& x, const std::vector<int64_t>& sizes, int64_t dim) {
  dim = wrap_dim(dim, x.dim(), "split");
  int64_t total = 0;
  for (int64_t s : sizes) {
    if (s < 0) throw std::invalid_argument("split: a piece has negative size");
    total += s;
  }
  if (total != x.shape()[dim])
    throw std::invalid_argument(fmt::format(
        "split: pieces of sizes [{}] add up to {}, but dimension {} of shape {} has size {}",
        fmt::join(sizes, ", "), total, dim, shape_str(x.shape()), x.shape()[dim]));
  std::vector<Tensor> pieces;
  int64_t at = 0;
  for (int64_t s : sizes) {
    Shape shape = x.shape();
    shape[dim] = s;
    pieces.push_back(x.as_strided(shape, x.strides(), x.offset() + at * x.strides()[dim]));
    at += s;
  }
  return record("split", pieces, {x}, [dim](const std::vector<Tensor>& g) {
    return std::vector<Tensor>{concat(g, dim)};
  });
}

std::vector<Tensor> chunk(const Tensor& x, int64_t chunks, int64_t dim) {
  const int64_t d = wrap_dim(dim, x.dim(), "chunk");
  if (chunks < 1 || x.shape()[d] % chunks != 0)
    throw std::invalid_argument(
        fmt::format("chunk: dimension {} of shape {} does not divide into {} equal pieces", d,
                    shape_str(x.shape()), chunks));
  return split(x, std::vector<int64_t>(size_t(chunks), x.shape()[d] / chunks), d);
}

Tensor stack(const std::vector<Tensor>& xs, int64_t dim) {
  if (xs.empty()) throw std::invalid_argument("stack: no tensors given");
  dim = wrap_dim(dim, xs[0].dim() + 1, "stack");
  std::vector<Tensor> parts;
  for (const auto& t : xs) {
    if (t.shape() != xs[0].shape())
      throw std::invalid_argument(fmt::format("stack: shapes {} and {} differ",
                                              shape_str(xs[0].shape()), shape_str(t.shape())));
    parts.push_back(unsqueeze(t, dim));
  }
  return concat(parts, dim);
}

}  // namespace scidl
