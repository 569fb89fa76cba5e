#include "scidl/tensor/device_functions.h"

#include <atomic>
#include <stdexcept>

namespace scidl {

namespace {
// Constant-initialised, so it is ready before any static initialiser registers a device.
constinit std::atomic<const DeviceFunctions*>
    registered[static_cast<size_t>(DeviceType::CUDA) + 1] = {};
}  // namespace

void register_device_functions(DeviceType type, const DeviceFunctions& functions) {
  registered[static_cast<size_t>(type)].store(&functions, std::memory_order_release);
}

const DeviceFunctions& device_functions(Device device) {
  const DeviceFunctions* f =
      registered[static_cast<size_t>(device.type)].load(std::memory_order_acquire);
  if (!f)
    throw std::runtime_error("device " + device.str() +
                             " has no backend registered: link scidl_backend (or scidl), whose "
                             "backend/backend.cpp registers the devices this build supports");
  return *f;
}

}  // namespace scidl
