// This instruction set's copy of the CPU backend, as isa.cpp finds it.
#include "scidl/backend/cpu/isa_copy.h"

#include "scidl/backend/cpu/cpu_backend.h"
#include "scidl/backend/cpu/isa_region.h"
#include "scidl/tensor/allocator.h"

SCIDL_ISA_BEGIN

void* CpuBackend::allocate(size_t bytes) { return cpu_allocator().allocate(bytes); }
void CpuBackend::deallocate(void* ptr, size_t bytes) { cpu_allocator().deallocate(ptr, bytes); }

const IsaCopy& the_copy() {
  static CpuBackend backend;
  static const IsaCopy copy = {
    .isa = Isa(SCIDL_CPU_ISA_LEVEL),
    .backend = &backend,
#if defined(SCIDL_HAVE_AMX)
    .amx = true,
#else
    .amx = false,
#endif
    .conv_forward = &conv_kernels::forward,
    .conv_backward_data = &conv_kernels::backward_data,
    .conv_backward_weights = &conv_kernels::backward_weights,
    .conv_backward_both = &conv_kernels::backward_both,
    .winograd_forward = &conv_winograd::forward,
    .winograd_backward = &conv_winograd::backward,
#if defined(SCIDL_HAVE_AMX)
    .amx_configure_thread = &amx::configure_thread,
    .amx_release_thread = &amx::release_thread,
    .amx_split_rows = &amx::split_rows,
    .amx_split_columns = &amx::split_columns,
    .amx_split_pairs = &amx::split_pairs,
    .amx_gemm = &amx::gemm,
#else
    .amx_configure_thread = nullptr,
    .amx_release_thread = nullptr,
    .amx_split_rows = nullptr,
    .amx_split_columns = nullptr,
    .amx_split_pairs = nullptr,
    .amx_gemm = nullptr,
#endif
  };
  return copy;
}

SCIDL_ISA_END
