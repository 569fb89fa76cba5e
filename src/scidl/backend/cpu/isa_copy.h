// What one instruction set's copy of the CPU backend offers (isa.h): its Backend, and entry
// points to its kernels for the shared functions that run the active copy's (conv_kernels.h,
// conv_winograd.h, amx_bf16.h). Each copy fills one in isa_copy.cpp.
#pragma once
#include "scidl/backend/cpu/amx_bf16.h"
#include "scidl/backend/cpu/conv_kernels.h"
#include "scidl/backend/cpu/conv_winograd.h"
#include "scidl/backend/cpu/isa.h"

namespace scidl::backend::cpu {

struct IsaCopy {
  Isa isa;
  Backend* backend;
  bool amx;  // whether this copy has the AMX kernels (only the AVX-512 copy can)
  decltype(&conv_kernels::forward) conv_forward;
  decltype(&conv_kernels::backward_data) conv_backward_data;
  decltype(&conv_kernels::backward_weights) conv_backward_weights;
  decltype(&conv_kernels::backward_both) conv_backward_both;
  decltype(&conv_winograd::forward) winograd_forward;
  decltype(&conv_winograd::backward) winograd_backward;
  // Null unless `amx`.
  decltype(&amx::configure_thread) amx_configure_thread;
  decltype(&amx::release_thread) amx_release_thread;
  decltype(&amx::split_rows) amx_split_rows;
  decltype(&amx::split_columns) amx_split_columns;
  decltype(&amx::split_pairs) amx_split_pairs;
  decltype(&amx::gemm) amx_gemm;
};

// The copy for `isa` (which must be compiled in), and the active one.
const IsaCopy& isa_copy(Isa isa);
const IsaCopy& active_copy();

}  // namespace scidl::backend::cpu
