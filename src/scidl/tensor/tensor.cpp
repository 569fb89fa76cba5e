#include "scidl/tensor/tensor.h"

#include <fmt/format.h>

#include "scidl/tensor/device_functions.h"

namespace scidl {

Storage::Storage(size_t nbytes, Device dev) : bytes(nbytes), device(dev) {
  data = device_functions(dev).allocate(dev, nbytes);
}

Storage::Storage(void* external, size_t nbytes, Device dev, std::shared_ptr<void> keeper)
    : data(external), bytes(nbytes), device(dev), owner(std::move(keeper)) {
  if (!owner) throw std::invalid_argument("Storage: external memory needs an owner");
}

Storage::~Storage() {
  if (!owner) device_functions(device).deallocate(device, data, bytes);
}

int64_t Tensor::size(int64_t d) const { return shape()[wrap_dim(d, dim(), "size")]; }

bool Tensor::is_contiguous() const {
  const auto& sh = shape();
  const auto& st = strides();
  int64_t expected = 1;
  for (size_t i = sh.size(); i-- > 0;) {
    if (sh[i] == 1) continue;
    if (st[i] != expected) return false;
    expected *= sh[i];
  }
  return true;
}

bool Tensor::same_storage(const Tensor& other) const {
  return defined() && other.defined() && impl_->storage == other.impl_->storage;
}

void* Tensor::raw_data() const {
  auto& t = checked();
  return static_cast<char*>(t.storage->data) + t.offset * dtype_size(t.dtype);
}

template <typename T>
T* Tensor::data() const {
  if (dtype() != dtype_of<T>())
    throw std::invalid_argument(
        fmt::format("data<{}>() called on a {} tensor", dtype_name(dtype_of<T>()), str()));
  return static_cast<T*>(raw_data());
}
template float* Tensor::data<float>() const;
template double* Tensor::data<double>() const;
template int64_t* Tensor::data<int64_t>() const;

template <typename T>
std::vector<T> Tensor::to_vector() const {
  Tensor c = (dtype() == dtype_of<T>() ? *this : to(dtype_of<T>())).contiguous();
  const T* p = c.data<T>();
  return std::vector<T>(p, p + c.numel());
}
template std::vector<float> Tensor::to_vector<float>() const;
template std::vector<double> Tensor::to_vector<double>() const;
template std::vector<int64_t> Tensor::to_vector<int64_t>() const;

double Tensor::item() const {
  if (numel() != 1)
    throw std::invalid_argument(
        fmt::format("item() needs a tensor with one element, got shape {}", shape_str(shape())));
  return to_vector<double>()[0];
}

Tensor& Tensor::requires_grad_(bool on) {
  if (on && !is_floating(dtype()))
    throw std::invalid_argument("only floating-point tensors can require gradients, got " + str());
  checked().requires_grad = on;
  return *this;
}

Tensor Tensor::grad() const {
  auto& g = checked().grad;
  return g ? Tensor(g) : Tensor();
}

void Tensor::set_grad(const Tensor& g) const {
  if (g.defined() && g.shape() != shape())
    throw std::invalid_argument(fmt::format("set_grad: gradient shape {} does not match tensor {}",
                                            shape_str(g.shape()), shape_str(shape())));
  checked().grad = g.impl_ptr();
}

void Tensor::zero_grad() const {
  if (auto g = grad(); g.defined()) g.fill_(0.0);
}

Tensor Tensor::detach() const {
  auto impl = std::make_shared<TensorImpl>();
  impl->storage = checked().storage;
  impl->shape = shape();
  impl->strides = strides();
  impl->offset = offset();
  impl->dtype = dtype();
  return Tensor(std::move(impl));
}

Tensor Tensor::as_strided(const Shape& new_shape, const Shape& new_strides,
                          int64_t new_offset) const {
  Tensor t = detach();
  t.impl_->shape = new_shape;
  t.impl_->strides = new_strides;
  t.impl_->offset = new_offset;
  return t;
}

Tensor Tensor::contiguous() const {
  if (is_contiguous()) return *this;
  return clone();
}

Tensor Tensor::clone() const {
  Tensor out = empty(shape(), dtype(), device());
  device_functions(device()).copy(*this, out);
  return out;
}

Tensor Tensor::to(DType target) const {
  if (target == dtype()) return *this;
  Tensor out = empty(shape(), target, device());
  device_functions(device()).copy(*this, out);
  return out;
}

void Tensor::copy_(const Tensor& src) const {
  Shape b = broadcast_shapes(src.shape(), shape(), "copy_");
  if (b != shape())
    throw std::invalid_argument(fmt::format("copy_: cannot copy a tensor of shape {} into {}",
                                            shape_str(src.shape()), shape_str(shape())));
  // Expand src to this shape (zero strides on broadcast dims).
  Shape st(shape().size(), 0);
  size_t lead = shape().size() - src.shape().size();
  for (size_t i = 0; i < src.shape().size(); ++i)
    st[lead + i] = src.shape()[i] == 1 ? 0 : src.strides()[i];
  device_functions(device()).copy(src.as_strided(shape(), st, src.offset()), *this);
}

void Tensor::fill_(double value) const { device_functions(device()).fill(*this, value); }

std::string Tensor::str() const {
  if (!defined()) return "undefined";
  return fmt::format("{}{}", dtype_name(dtype()), shape_str(shape()));
}

Tensor empty(const Shape& shape, DType dtype, Device device) {
  for (auto s : shape)
    if (s < 0) throw std::invalid_argument("negative dimension in shape " + shape_str(shape));
  auto impl = std::make_shared<TensorImpl>();
  size_t bytes = std::max<int64_t>(numel_of(shape), 1) * dtype_size(dtype);
  impl->storage = std::make_shared<Storage>(bytes, device);
  impl->shape = shape;
  impl->strides = contiguous_strides(shape);
  impl->dtype = dtype;
  return Tensor(std::move(impl));
}

Tensor full(const Shape& shape, double value, DType dtype, Device device) {
  Tensor t = empty(shape, dtype, device);
  t.fill_(value);
  return t;
}
Tensor zeros(const Shape& shape, DType dtype, Device device) {
  return full(shape, 0.0, dtype, device);
}
Tensor ones(const Shape& shape, DType dtype, Device device) {
  return full(shape, 1.0, dtype, device);
}
Tensor scalar_tensor(double value, DType dtype, Device device) {
  return full({}, value, dtype, device);
}
Tensor from_blob(void* data, size_t bytes, const Shape& shape, const Shape& strides, DType dtype,
                 std::shared_ptr<void> owner) {
  if (shape.size() != strides.size())
    throw std::invalid_argument(fmt::format("from_blob: shape {} and strides {} differ in rank",
                                            shape_str(shape), shape_str(strides)));
  int64_t last = 0;  // the furthest element any index reaches
  for (size_t d = 0; d < shape.size(); ++d) {
    if (shape[d] < 0 || strides[d] < 0)
      throw std::invalid_argument(fmt::format("from_blob: shape {} with strides {} is not valid",
                                              shape_str(shape), shape_str(strides)));
    if (shape[d] > 0) last += (shape[d] - 1) * strides[d];
  }
  if (numel_of(shape) > 0 && static_cast<size_t>(last + 1) * dtype_size(dtype) > bytes)
    throw std::invalid_argument(
        fmt::format("from_blob: shape {} with strides {} reaches past the {} bytes given",
                    shape_str(shape), shape_str(strides), bytes));
  auto impl = std::make_shared<TensorImpl>();
  impl->storage = std::make_shared<Storage>(data, bytes, kCPU, std::move(owner));
  impl->shape = shape;
  impl->strides = strides;
  impl->dtype = dtype;
  return Tensor(std::move(impl));
}

Tensor empty_like(const Tensor& t) { return empty(t.shape(), t.dtype(), t.device()); }
Tensor zeros_like(const Tensor& t) { return zeros(t.shape(), t.dtype(), t.device()); }
Tensor ones_like(const Tensor& t) { return ones(t.shape(), t.dtype(), t.device()); }

Tensor arange(int64_t n, DType dtype, Device device) {
  std::vector<double> v(n);
  for (int64_t i = 0; i < n; ++i) v[i] = static_cast<double>(i);
  Tensor t = from_vector(v, {n}, dtype);
  if (device != kCPU) throw std::logic_error("arange: only CPU tensors for now");
  return t;
}

template <typename T>
Tensor from_vector(const std::vector<T>& values, const Shape& shape) {
  if (static_cast<int64_t>(values.size()) != numel_of(shape))
    throw std::invalid_argument(fmt::format("from_vector: {} values do not fill shape {}",
                                            values.size(), shape_str(shape)));
  Tensor t = empty(shape, dtype_of<T>());
  std::copy(values.begin(), values.end(), t.data<T>());
  return t;
}
template Tensor from_vector<float>(const std::vector<float>&, const Shape&);
template Tensor from_vector<double>(const std::vector<double>&, const Shape&);
template Tensor from_vector<int64_t>(const std::vector<int64_t>&, const Shape&);

Tensor from_vector(const std::vector<double>& values, const Shape& shape, DType dtype) {
  Tensor t = from_vector(values, shape);
  return dtype == DType::Float64 ? t : t.to(dtype);
}

}  // namespace scidl
