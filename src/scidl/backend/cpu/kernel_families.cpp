// The kernel families' switches and the shared entry points that run the active instruction
// set's copy of a kernel (isa.h): what tests and `scidl info` call, compiled once.
#if defined(__x86_64__)
#include <cpuid.h>
#endif
#include <fmt/format.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <stdexcept>
#include <string>

#include "scidl/backend/cpu/amx_bf16.h"
#include "scidl/backend/cpu/conv_kernels.h"
#include "scidl/backend/cpu/conv_onednn.h"
#include "scidl/backend/cpu/conv_winograd.h"
#include "scidl/backend/cpu/dense_kernels.h"
#include "scidl/backend/cpu/isa_copy.h"

namespace scidl::backend::cpu {

namespace dense {
bool enabled() { return family_on(Family::Dense); }
void set_enabled(bool on) { set_family_on(Family::Dense, on); }
}  // namespace dense

namespace conv_kernels {
bool enabled() { return family_on(Family::Conv); }
void set_enabled(bool on) { set_family_on(Family::Conv, on); }

bool suits(const Conv2dDims& d) {
  const Conv2dGeometry& g = d.geometry;
  if (!enabled() || g.stride_h != 1 || g.stride_w != 1 || g.dilation_h != 1 || g.dilation_w != 1 ||
      d.batch < 1 || d.out_height < 1 || d.out_width < 1)
    return false;
  const int64_t hp = d.out_height + g.kernel_h - 1, wp = d.out_width + g.kernel_w - 1;
  if (g.pad_top < 0 || g.pad_left < 0 || g.pad_top + d.height > hp || g.pad_left + d.width > wp)
    return false;
  // Per-image scratch (the padded input, the padded output gradient) and int32 tap offsets.
  const int64_t largest =
      std::max(d.c_in * hp * wp, d.c_out * (hp + g.kernel_h - 1) * (wp + g.kernel_w - 1));
  return largest <= (int64_t{1} << 24);
}

void forward(const Conv2dDims& d, const float* x, const float* w, const float* b, float* y,
             bool relu) {
  active_copy().conv_forward(d, x, w, b, y, relu);
}
void backward_data(const Conv2dDims& d, const float* gy, const float* relu_y, const float* w,
                   float* gx) {
  active_copy().conv_backward_data(d, gy, relu_y, w, gx);
}
void backward_weights(const Conv2dDims& d, const float* gy, const float* relu_y, const float* x,
                      float* gw, float* gb) {
  active_copy().conv_backward_weights(d, gy, relu_y, x, gw, gb);
}
void backward_both(const Conv2dDims& d, const float* gy, const float* relu_y, const float* x,
                   const float* w, float* gx, float* gw, float* gb) {
  active_copy().conv_backward_both(d, gy, relu_y, x, w, gx, gw, gb);
}
}  // namespace conv_kernels

namespace conv_winograd {
bool enabled() { return family_on(Family::Winograd); }
void set_enabled(bool on) { set_family_on(Family::Winograd, on); }

bool suits(const Conv2dDims& d) {
  const Conv2dGeometry& g = d.geometry;
  if (!enabled() || g.kernel_h != 3 || g.kernel_w != 3 || g.stride_h != 1 || g.stride_w != 1 ||
      g.dilation_h != 1 || g.dilation_w != 1 || d.batch < 1 || d.out_height < 1 ||
      d.out_width < 1 || d.c_in < 16 || d.c_out < 16)
    return false;
  const int64_t hp = d.out_height + 2, wp = d.out_width + 2;
  if (g.pad_top < 0 || g.pad_left < 0 || g.pad_top + d.height > hp || g.pad_left + d.width > wp)
    return false;
  // The largest per-image scratch: the padded output gradient, channels-last.
  const int64_t channels = std::max(d.c_in, d.c_out) + 16;
  return (hp + 4) * (wp + 4) * channels <= (int64_t{1} << 24);
}

void forward(const Conv2dDims& d, const float* x, const float* w, const float* b, float* y,
             bool relu) {
  active_copy().winograd_forward(d, x, w, b, y, relu);
}
void backward(const Conv2dDims& d, const float* gy, const float* relu_y, const float* x,
              const float* w, float* gx, float* gw, float* gb) {
  active_copy().winograd_backward(d, gy, relu_y, x, w, gx, gw, gb);
}
}  // namespace conv_winograd

namespace amx {

namespace {
// Linux hands out the 8 KB tile state only to processes that ask (arch_prctl, since 5.16); a
// kernel or hypervisor that does not support it refuses, and the FMA kernels run instead.
bool tiles_granted() {
#if defined(SYS_arch_prctl)
  static const bool granted = [] {
    unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
    if (!__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx)) return false;
    const bool amx_bf16 = edx & (1u << 22), amx_tile = edx & (1u << 24);
    if (!amx_bf16 || !amx_tile) return false;
    constexpr long kReqXcompPerm = 0x1023, kXfeatureXtiledata = 18;
    return syscall(SYS_arch_prctl, kReqXcompPerm, kXfeatureXtiledata) == 0;
  }();
  return granted;
#else
  return false;
#endif
}

const IsaCopy& tile_copy(const char* what) {
  const IsaCopy& copy = active_copy();
  if (!copy.amx)
    throw std::logic_error(std::string("amx::") + what +
                           ": the active copy of the backend has no AMX kernels (amx::enabled())");
  return copy;
}
}  // namespace

bool enabled() { return active_copy().amx && family_on(Family::Amx) && tiles_granted(); }
void set_enabled(bool on) { set_family_on(Family::Amx, on); }

void configure_thread() { tile_copy("configure_thread").amx_configure_thread(); }
void release_thread() { tile_copy("release_thread").amx_release_thread(); }
void split_rows(const float* src, int64_t rows, int64_t cols, int64_t ld, int64_t rows_pad,
                Planes dst) {
  tile_copy("split_rows").amx_split_rows(src, rows, cols, ld, rows_pad, dst);
}
void split_columns(const float* src, int64_t rows, int64_t cols, int64_t ld, int64_t rows_pad,
                   Planes dst) {
  tile_copy("split_columns").amx_split_columns(src, rows, cols, ld, rows_pad, dst);
}
void split_pairs(const float* src, int64_t rows, int64_t cols, int64_t ld, int64_t rows_pad,
                 Planes dst) {
  tile_copy("split_pairs").amx_split_pairs(src, rows, cols, ld, rows_pad, dst);
}
void gemm(int64_t M, int64_t N, int64_t K, ConstPlanes a, ConstPlanes b, float* c, int64_t ldc,
          bool accumulate, Epilogue e) {
  tile_copy("gemm").amx_gemm(M, N, K, a, b, c, ldc, accumulate, e);
}

}  // namespace amx

namespace {
// One family's line: on in the running copy, or off by SCIDL_KERNELS.
std::string family_state(Family family) {
  if (!family_on(family)) return fmt::format("off (SCIDL_KERNELS=no-{})", family_name(family));
  return fmt::format("on ({} copy)", isa_name(active_isa()));
}
}  // namespace

std::string describe_kernels() {
  const Isa isa = active_isa();
  std::string usable;
  for (Isa i : usable_isas()) usable += (usable.empty() ? "" : ", ") + std::string(isa_name(i));
  std::string out = fmt::format("instruction set: {}, {} ({})\n", isa_name(isa),
                                isa_description(isa), isa_choice_reason());
  out += fmt::format(
      "instruction sets this CPU and build can run: {} (SCIDL_KERNELS=<set> forces one)\n", usable);
  out += fmt::format("dense kernels: {}\n", family_state(Family::Dense));
  out += fmt::format("convolution kernels: {}\n", family_state(Family::Conv));
  out += fmt::format("Winograd kernels: {}\n", family_state(Family::Winograd));
  out += fmt::format("oneDNN (convolutions, recurrent steps): {}\n",
                     onednn::compiled_in() ? family_state(Family::Onednn)
                                           : std::string("not built (libdnnl-dev)"));
  out +=
      fmt::format("AMX tiles: {}\n",
                  amx::enabled() ? "on (dense layers of widths in multiples of 32, from 512 rows; "
                                   "SCIDL_KERNELS=no-amx turns them off)"
                                 : "off (no AMX-BF16 on this CPU or OS, not the avx512 copy, or "
                                   "SCIDL_KERNELS=no-amx)");
  return out;
}

}  // namespace scidl::backend::cpu
