#include "scidl/backend/backend.h"

#include "scidl/backend/cpu/cpu_backend.h"
#include "scidl/tensor/allocator.h"

namespace scidl::backend {

Backend& backend_for(Device device) {
  static cpu::CpuBackend cpu_backend;
  if (device.type == DeviceType::CPU) return cpu_backend;
  throw std::runtime_error("device " + device.str() +
                           " is not available: this build of scidl has no CUDA backend");
}

}  // namespace scidl::backend

namespace scidl::backend::cpu {
void* CpuBackend::allocate(size_t bytes) { return cpu_allocator().allocate(bytes); }
void CpuBackend::deallocate(void* ptr, size_t bytes) { cpu_allocator().deallocate(ptr, bytes); }
}  // namespace scidl::backend::cpu
