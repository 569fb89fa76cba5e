#include "scidl/backend/backend.h"

#include "scidl/backend/cpu/isa.h"
#include "scidl/tensor/device_functions.h"

namespace scidl::backend {

Backend& backend_for(Device device) {
  if (device.type == DeviceType::CPU) return cpu::active_backend();
  throw std::runtime_error("device " + device.str() +
                           " is not available: this build of scidl has no CUDA backend");
}

namespace {

// What tensor/ asks of a device (tensor/device_functions.h), answered by its backend.
constexpr DeviceFunctions kCpuFunctions{
    [](Device d, size_t bytes) { return backend_for(d).allocate(bytes); },
    [](Device d, void* ptr, size_t bytes) { backend_for(d).deallocate(ptr, bytes); },
    [](const Tensor& src, const Tensor& dst) { backend_of(dst).copy(src, dst); },
    [](const Tensor& dst, double value) { backend_of(dst).fill(dst, value); },
};

// Registered while the program starts, ahead of other files' static initialisers (priority
// 101, the first a program may use), so even those can make tensors. A static archive keeps an
// object file only when something refers to it: the backend target's link options name the
// symbol below, so every program linking scidl_backend keeps this one.
struct RegisterCpu {
  RegisterCpu() { register_device_functions(DeviceType::CPU, kCpuFunctions); }
};
[[gnu::init_priority(101)]] const RegisterCpu cpu_registered;

}  // namespace

}  // namespace scidl::backend

extern "C" void scidl_backend_registers_devices() {}
