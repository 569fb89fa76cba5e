// float32 2-D convolutions through oneDNN (Debian's libdnnl), behind the CPU backend's conv2d
// calls. oneDNN's AVX-512 direct convolutions work in blocked layouts (nChw16c); the tensors
// stay NCHW everywhere else in scidl, so each call reorders its inputs in and its output out.
// Measured against im2col + OpenBLAS on the lecture's CNN (bench/RESULTS.md), reorders included.
// Contract: pointers are dense NCHW / OIHW float32 arrays of the stated shapes. Each function
// returns false, touching nothing, when oneDNN is not compiled in or cannot take the case; the
// caller then runs its own kernel. Primitives and their scratch buffers are cached per thread
// and per shape, so a training loop creates them once; the cache keeps the most recently used
// ones within a budget (a blocked copy of a batch-1000 activation is ~100 MB, and a tuner or a
// notebook meets many shapes), evicting the least recently used.
#pragma once
#include <cstddef>
#include <cstdint>

#include "scidl/backend/conv_geometry.h"

namespace scidl::backend::cpu::onednn {

using ConvDims = Conv2dDims;

// Whether scidl was built with oneDNN (SCIDL_WITH_ONEDNN).
bool compiled_in();
// Whether the calls below use it: compiled in, and not turned off by SCIDL_KERNELS=no-onednn or
// set_enabled(false) (tests compare both paths in one process).
bool enabled();
void set_enabled(bool on);

// y = conv(x, w) + b (b may be null), then ReLU when `relu`.
bool conv2d_forward(const ConvDims& d, const float* x, const float* w, const float* b, float* y,
                    bool relu);
// gx = the gradient of sum(gy * conv(x, w)) with respect to x (overwritten).
bool conv2d_backward_data(const ConvDims& d, const float* gy, const float* w, float* gx);
// gw (and gb when not null) = the gradients with respect to the weight and bias (overwritten).
bool conv2d_backward_weights(const ConvDims& d, const float* gy, const float* x, float* gw,
                             float* gb);

// The calling thread's cache: primitives held and the bytes of their blocked buffers; and its
// budget (defaults kCachePrimitives and kCacheBytes; tests lower them). The entry a call runs
// on stays even when it alone exceeds the budget. Zeros without oneDNN.
constexpr std::size_t kCachePrimitives = 64;
constexpr std::size_t kCacheBytes = std::size_t{512} << 20;
std::size_t cached_primitives();
std::size_t cached_bytes();
void set_cache_budget(std::size_t primitives, std::size_t bytes);

}  // namespace scidl::backend::cpu::onednn
