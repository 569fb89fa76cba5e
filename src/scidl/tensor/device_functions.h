// What a Tensor needs from the device its storage lives on: memory, and the copy and fill its
// own methods run. tensor/ is the lowest room and never includes backend/; backend/ fills this
// table instead (backend/backend.cpp, while the program starts).
// Contract: a device's functions are registered before its first tensor is made, from a table
// that lives as long as the program (a static); asking for a device nobody registered throws,
// naming what to link. Registering again replaces the entry.
#pragma once
#include <cstddef>

#include "scidl/tensor/dtype.h"

namespace scidl {

class Tensor;

struct DeviceFunctions {
  void* (*allocate)(Device device, size_t bytes);
  void (*deallocate)(Device device, void* ptr, size_t bytes);
  void (*copy)(const Tensor& src, const Tensor& dst);  // dst may be strided; casts the dtype
  void (*fill)(const Tensor& dst, double value);
};

void register_device_functions(DeviceType type, const DeviceFunctions& functions);
const DeviceFunctions& device_functions(Device device);

}  // namespace scidl
