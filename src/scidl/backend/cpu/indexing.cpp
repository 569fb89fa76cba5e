// index_select / index_add along a dim, gather / scatter_add (graph networks aggregate messages
// with scatter_add). Index tensors are int64; every index is bounds-checked.
#include <fmt/format.h>

#include <algorithm>
#include <vector>

#include "scidl/backend/cpu/cpu_backend.h"
#include "scidl/backend/cpu/isa_region.h"

SCIDL_ISA_BEGIN

namespace {

void check_index(int64_t i, int64_t size, const char* op, int64_t dim) {
  if (i < 0 || i >= size)
    throw std::out_of_range(
        fmt::format("{}: index {} is out of range for dimension {} of size {}", op, i, dim, size));
}

// Views a contiguous tensor as [outer, size(dim), inner].
struct Split3 {
  int64_t outer = 1, mid = 1, inner = 1;
};
Split3 split_at(const Shape& s, int64_t dim) {
  Split3 r;
  for (int64_t d = 0; d < static_cast<int64_t>(s.size()); ++d)
    (d < dim ? r.outer : d == dim ? r.mid : r.inner) *= s[d];
  return r;
}

}  // namespace

void CpuBackend::index_select(const Tensor& x_in, int64_t dim, const Tensor& index_in,
                              const Tensor& out) {
  Tensor x = x_in.contiguous(), index = index_in.contiguous();
  Split3 xs = split_at(x.shape(), dim);
  const int64_t* idx = index.data<int64_t>();
  const int64_t count = index.numel();
  for (int64_t j = 0; j < count; ++j) check_index(idx[j], xs.mid, "index_select", dim);
  dispatch_all(x.dtype(), [&]<typename scalar_t>() {
    using T = scalar_t;
    const T* px = x.data<T>();
    T* po = out.data<T>();
#pragma omp parallel for collapse(2) if (out.numel() >= 32768)
    for (int64_t o = 0; o < xs.outer; ++o)
      for (int64_t j = 0; j < count; ++j)
        std::copy_n(px + (o * xs.mid + idx[j]) * xs.inner, xs.inner,
                    po + (o * count + j) * xs.inner);
  });
}

void CpuBackend::index_add(const Tensor& out, int64_t dim, const Tensor& index_in,
                           const Tensor& src_in) {
  Tensor src = src_in.contiguous(), index = index_in.contiguous();
  Split3 os = split_at(out.shape(), dim);
  const int64_t* idx = index.data<int64_t>();
  const int64_t count = index.numel();
  for (int64_t j = 0; j < count; ++j) check_index(idx[j], os.mid, "index_add", dim);
  dispatch_float(out.dtype(), [&]<typename scalar_t>() {
    using T = scalar_t;
    const T* ps = src.data<T>();
    T* po = out.data<T>();
    for (int64_t o = 0; o < os.outer; ++o)
      for (int64_t j = 0; j < count; ++j) {
        T* dst = po + (o * os.mid + idx[j]) * os.inner;
        const T* s = ps + (o * count + j) * os.inner;
        for (int64_t i = 0; i < os.inner; ++i) dst[i] += s[i];
      }
  });
}

void CpuBackend::segment_max(const Tensor& src_in, const Tensor& index_in, const Tensor& out) {
  Tensor src = src_in.contiguous(), index = index_in.contiguous();
  const int64_t rows = index.numel(), segments = out.shape()[0];
  const int64_t inner = rows ? src.numel() / rows : 0;
  const int64_t* idx = index.data<int64_t>();
  for (int64_t j = 0; j < rows; ++j) check_index(idx[j], segments, "segment_max", 0);
  dispatch_float(out.dtype(), [&]<typename scalar_t>() {
    using T = scalar_t;
    const T* ps = src.data<T>();
    T* po = out.data<T>();
    std::vector<char> seen(static_cast<size_t>(segments), 0);
    for (int64_t j = 0; j < rows; ++j) {
      T* dst = po + idx[j] * inner;
      const T* s = ps + j * inner;
      if (!seen[static_cast<size_t>(idx[j])]) {
        seen[static_cast<size_t>(idx[j])] = 1;
        for (int64_t i = 0; i < inner; ++i) dst[i] = s[i];
      } else {
        for (int64_t i = 0; i < inner; ++i) dst[i] = std::max(dst[i], s[i]);
      }
    }
    for (int64_t n = 0; n < segments; ++n)
      if (!seen[static_cast<size_t>(n)])
        for (int64_t i = 0; i < inner; ++i) po[n * inner + i] = T(0);
  });
}

// gather: out[..., j, ...] = x[..., index[..., j, ...], ...] along dim; index has out's shape.
void CpuBackend::gather(const Tensor& x_in, int64_t dim, const Tensor& index_in,
                        const Tensor& out) {
  Tensor x = x_in.contiguous(), index = index_in.contiguous();
  Split3 is = split_at(index.shape(), dim);
  Split3 xs = split_at(x.shape(), dim);
  const int64_t* idx = index.data<int64_t>();
  dispatch_all(x.dtype(), [&]<typename scalar_t>() {
    using T = scalar_t;
    const T* px = x.data<T>();
    T* po = out.data<T>();
    for (int64_t o = 0; o < is.outer; ++o)
      for (int64_t j = 0; j < is.mid; ++j)
        for (int64_t i = 0; i < is.inner; ++i) {
          int64_t p = (o * is.mid + j) * is.inner + i;
          check_index(idx[p], xs.mid, "gather", dim);
          po[p] = px[(o * xs.mid + idx[p]) * xs.inner + i];
        }
  });
}

void CpuBackend::scatter_add(const Tensor& out, int64_t dim, const Tensor& index_in,
                             const Tensor& src_in) {
  Tensor src = src_in.contiguous(), index = index_in.contiguous();
  Split3 is = split_at(index.shape(), dim);
  Split3 os = split_at(out.shape(), dim);
  const int64_t* idx = index.data<int64_t>();
  dispatch_float(out.dtype(), [&]<typename scalar_t>() {
    using T = scalar_t;
    const T* ps = src.data<T>();
    T* po = out.data<T>();
    for (int64_t o = 0; o < is.outer; ++o)
      for (int64_t j = 0; j < is.mid; ++j)
        for (int64_t i = 0; i < is.inner; ++i) {
          int64_t p = (o * is.mid + j) * is.inner + i;
          check_index(idx[p], os.mid, "scatter_add", dim);
          po[(o * os.mid + idx[p]) * os.inner + i] += ps[p];
        }
  });
}

SCIDL_ISA_END
