// Tensor: a shaped, strided view of shared storage on a device, plus the autograd fields.
// Views (reshape of contiguous data, permute, slice, expand) share storage and copy nothing.
// Contract: strides and offset are in elements; shapes are row-major (the last dim varies
// fastest); a default-constructed Tensor is "undefined" and most calls on it throw.
// Differentiable operations are free functions in ops/ (scidl::add, scidl::matmul, ...).
#pragma once
#include <cstdint>
#include <memory>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "scidl/tensor/dtype.h"
#include "scidl/tensor/shape.h"

namespace scidl {

namespace autograd {
class Node;
}

// Memory for tensor data. Returns its block to the device's caching allocator when the last
// tensor viewing it goes away.
struct Storage {
  Storage(size_t bytes, Device device);
  // Memory someone else owns (a NumPy array's buffer): `owner` keeps it alive while any view
  // does, and nothing goes back to the allocator. The memory need not be 64-byte aligned.
  Storage(void* data, size_t bytes, Device device, std::shared_ptr<void> owner);
  ~Storage();
  Storage(const Storage&) = delete;
  Storage& operator=(const Storage&) = delete;
  void* data = nullptr;
  size_t bytes = 0;
  Device device;
  std::shared_ptr<void> owner;  // null: the device's allocator owns `data`
};

struct TensorImpl {
  std::shared_ptr<Storage> storage;
  Shape shape;
  Shape strides;
  int64_t offset = 0;
  DType dtype = DType::Float32;
  // autograd
  bool requires_grad = false;
  bool retains_grad = false;
  std::shared_ptr<autograd::Node> grad_fn;  // null for leaves
  uint32_t output_nr = 0;                   // which of grad_fn's outputs this tensor is
  std::shared_ptr<TensorImpl> grad;         // accumulated gradient (leaves, or retain_grad)
  std::string name;                         // parameter name, for error messages
};

class Tensor {
 public:
  Tensor() = default;
  explicit Tensor(std::shared_ptr<TensorImpl> impl) : impl_(std::move(impl)) {}

  bool defined() const { return impl_ != nullptr; }
  const Shape& shape() const { return checked().shape; }
  const Shape& strides() const { return checked().strides; }
  int64_t dim() const { return static_cast<int64_t>(shape().size()); }
  int64_t size(int64_t d) const;
  int64_t numel() const { return numel_of(shape()); }
  DType dtype() const { return checked().dtype; }
  Device device() const { return checked().storage->device; }
  int64_t offset() const { return checked().offset; }
  bool is_contiguous() const;
  bool same_storage(const Tensor& other) const;

  // Pointer to the first element of this view. Checks the dtype matches T.
  template <typename T>
  T* data() const;
  void* raw_data() const;

  // Reading values out (copies; for tests, I/O and small results).
  double item() const;
  template <typename T>
  std::vector<T> to_vector() const;

  // Autograd.
  bool requires_grad() const { return checked().requires_grad; }
  Tensor& requires_grad_(bool on = true);
  bool is_leaf() const { return checked().grad_fn == nullptr; }
  const std::shared_ptr<autograd::Node>& grad_fn() const { return checked().grad_fn; }
  uint32_t output_nr() const { return checked().output_nr; }
  Tensor grad() const;
  void set_grad(const Tensor& g) const;
  void zero_grad() const;  // fills an existing gradient with zeros (keeps its memory)
  void retain_grad() const { checked().retains_grad = true; }
  // Reverse-mode differentiation from this tensor. With no seed the tensor must be a scalar.
  void backward(const Tensor& seed = Tensor(), bool retain_graph = false) const;
  Tensor detach() const;  // same storage, no history

  // Non-differentiable views and copies (the differentiable ones are in ops/).
  Tensor as_strided(const Shape& shape, const Shape& strides, int64_t offset) const;
  Tensor contiguous() const;  // this tensor if already contiguous, otherwise a compact copy
  Tensor clone() const;       // always a new compact copy, no history
  Tensor to(DType dtype) const;
  void copy_(const Tensor& src) const;  // copies values (broadcast allowed) into this view
  void fill_(double value) const;

  TensorImpl* impl() const { return impl_.get(); }
  const std::shared_ptr<TensorImpl>& impl_ptr() const { return impl_; }
  std::string str() const;  // "float32[3, 4]" for messages
  const std::string& name() const { return checked().name; }
  void set_name(std::string name) const { checked().name = std::move(name); }

 private:
  TensorImpl& checked() const {
    if (!impl_) throw std::logic_error("use of an undefined tensor");
    return *impl_;
  }
  std::shared_ptr<TensorImpl> impl_;
};

// Factories.
Tensor empty(const Shape& shape, DType dtype = DType::Float32, Device device = kCPU);
Tensor zeros(const Shape& shape, DType dtype = DType::Float32, Device device = kCPU);
Tensor ones(const Shape& shape, DType dtype = DType::Float32, Device device = kCPU);
Tensor full(const Shape& shape, double value, DType dtype = DType::Float32, Device device = kCPU);
Tensor scalar_tensor(double value, DType dtype = DType::Float32, Device device = kCPU);
Tensor arange(int64_t n, DType dtype = DType::Int64, Device device = kCPU);
// A tensor over memory `owner` keeps alive (see Storage), no copy: `strides` in elements,
// every view of it in bounds of the `bytes` at `data`.
Tensor from_blob(void* data, size_t bytes, const Shape& shape, const Shape& strides, DType dtype,
                 std::shared_ptr<void> owner);
Tensor empty_like(const Tensor& t);
Tensor zeros_like(const Tensor& t);
Tensor ones_like(const Tensor& t);
template <typename T>
Tensor from_vector(const std::vector<T>& values, const Shape& shape);
Tensor from_vector(const std::vector<double>& values, const Shape& shape, DType dtype);

// Whether operations record history (see autograd/grad_mode.h for the scope guard).
bool grad_mode_enabled();

}  // namespace scidl
