// The umbrella header of the C++ API: include this to get every public part of scidl.
#pragma once
#include "scidl/ops/ops.h"
#include "scidl/tensor/allocator.h"
#include "scidl/tensor/random.h"
#include "scidl/tensor/tensor.h"
