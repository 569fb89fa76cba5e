// DLPack both ways (the exchange PyTorch, NumPy and JAX share): a scidl Tensor as a "dltensor"
// capsule that keeps the tensor's storage alive, and any producer's CPU tensor as a scidl Tensor
// over the same memory. The structs are DLPack's ABI (dlpack.h, version 0.8 "legacy"
// DLManagedTensor), which every producer still offers.
#include <fmt/format.h>

#include "convert.h"
#include "scidl/tensor/shape.h"

namespace scidl::python {

namespace {

struct DLDevice {
  int32_t device_type;  // kDLCPU = 1
  int32_t device_id;
};
struct DLDataType {
  uint8_t code;  // kDLInt = 0, kDLUInt = 1, kDLFloat = 2
  uint8_t bits;
  uint16_t lanes;
};
struct DLTensor {
  void* data;
  DLDevice device;
  int32_t ndim;
  DLDataType dtype;
  int64_t* shape;
  int64_t* strides;  // in elements; null: compact row-major
  uint64_t byte_offset;
};
struct DLManagedTensor {
  DLTensor dl_tensor;
  void* manager_ctx;
  void (*deleter)(DLManagedTensor*);
};

constexpr int32_t kDLCPU = 1;

// What an exported capsule owns: the tensor (so its storage) and the arrays DLTensor points to.
struct Export {
  DLManagedTensor managed;
  Tensor tensor;
  Shape shape, strides;
};

}  // namespace

py::capsule to_dlpack(const Tensor& t) {
  auto* e = new Export{{}, t, t.shape(), t.strides()};
  DLTensor& d = e->managed.dl_tensor;
  d.data = t.raw_data();
  d.device = {kDLCPU, 0};
  d.ndim = static_cast<int32_t>(t.dim());
  d.dtype = {static_cast<uint8_t>(t.dtype() == DType::Int64 ? 0 : 2),
             static_cast<uint8_t>(dtype_size(t.dtype()) * 8), 1};
  d.shape = e->shape.data();
  d.strides = e->strides.data();
  d.byte_offset = 0;
  e->managed.manager_ctx = e;
  e->managed.deleter = [](DLManagedTensor* m) { delete static_cast<Export*>(m->manager_ctx); };
  // Unconsumed, the capsule frees the tensor; a consumer renames it "used_dltensor" and calls
  // the deleter itself when done.
  return py::capsule(&e->managed, "dltensor", [](PyObject* capsule) {
    if (PyCapsule_IsValid(capsule, "dltensor")) {
      auto* m = static_cast<DLManagedTensor*>(PyCapsule_GetPointer(capsule, "dltensor"));
      m->deleter(m);
    }
  });
}

Tensor from_dlpack(py::handle producer) {
  py::object capsule = py::hasattr(producer, "__dlpack__")
                           ? producer.attr("__dlpack__")()
                           : py::reinterpret_borrow<py::object>(producer);
  if (!PyCapsule_IsValid(capsule.ptr(), "dltensor"))
    throw py::type_error(
        "from_dlpack: expected an object with __dlpack__ (a NumPy array, a PyTorch tensor) or an "
        "unused 'dltensor' capsule");
  auto* m = static_cast<DLManagedTensor*>(PyCapsule_GetPointer(capsule.ptr(), "dltensor"));
  const DLTensor& d = m->dl_tensor;
  if (d.device.device_type != kDLCPU)
    throw py::value_error(fmt::format(
        "from_dlpack: the tensor is on device type {}, scidl reads CPU tensors (type 1): move it "
        "to the CPU first (.cpu())",
        d.device.device_type));
  DType dtype;
  if (d.dtype.code == 2 && d.dtype.bits == 32 && d.dtype.lanes == 1)
    dtype = DType::Float32;
  else if (d.dtype.code == 2 && d.dtype.bits == 64 && d.dtype.lanes == 1)
    dtype = DType::Float64;
  else if (d.dtype.code == 0 && d.dtype.bits == 64 && d.dtype.lanes == 1)
    dtype = DType::Int64;
  else
    throw py::value_error(fmt::format(
        "from_dlpack: dtype code {} of {} bits is not one scidl holds: float32, float64 or int64",
        d.dtype.code, d.dtype.bits));
  const Shape shape(d.shape, d.shape + d.ndim);
  const Shape strides =
      d.strides ? Shape(d.strides, d.strides + d.ndim) : contiguous_strides(shape);
  int64_t span = 1;  // elements from the first to one past the last
  for (int32_t i = 0; i < d.ndim; ++i) {
    if (strides[i] < 0)
      throw py::value_error("from_dlpack: negative strides (a reversed view): copy it first");
    if (shape[i] > 0) span += (shape[i] - 1) * strides[i];
  }
  if (numel_of(shape) == 0) span = 0;
  PyCapsule_SetName(capsule.ptr(), "used_dltensor");  // consumed: the deleter is ours to call
  std::shared_ptr<void> owner(m, [](void* p) {
    auto* managed = static_cast<DLManagedTensor*>(p);
    if (!managed->deleter) return;
    if (!Py_IsInitialized()) return;
    py::gil_scoped_acquire gil;  // a producer's deleter may release a Python object
    managed->deleter(managed);
  });
  void* data = static_cast<char*>(d.data) + d.byte_offset;
  return from_blob(data, static_cast<size_t>(span) * dtype_size(dtype), shape, strides, dtype,
                   std::move(owner));
}

}  // namespace scidl::python
