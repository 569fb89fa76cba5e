#include "scidl/backend/backend.h"

#include "scidl/backend/cpu/isa.h"

namespace scidl::backend {

Backend& backend_for(Device device) {
  if (device.type == DeviceType::CPU) return cpu::active_backend();
  throw std::runtime_error("device " + device.str() +
                           " is not available: this build of scidl has no CUDA backend");
}

}  // namespace scidl::backend
