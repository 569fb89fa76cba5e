// The instruction-set region of a backend translation unit compiled once per set (isa.h): code
// between SCIDL_ISA_BEGIN and SCIDL_ISA_END lies in that set's namespace and is compiled for
// it (GCC's target pragma); everything included before BEGIN keeps the build's baseline, so
// the inline and template code of other headers (std::, Tensor) is the same in every copy and
// the linker cannot keep an AVX-512 copy of it for a CPU without. Include every header first,
// then open the region; a backend header opens its own.
#pragma once

#if !defined(SCIDL_CPU_ISA_LEVEL)
#error "isa_region.h is for the backend's per-instruction-set translation units (CMakeLists.txt)"
#endif

#define SCIDL_PRAGMA(x) _Pragma(#x)
#if SCIDL_CPU_ISA_LEVEL == 0
#define SCIDL_ISA_NAMESPACE isa_portable
#define SCIDL_ISA_TARGET
#elif SCIDL_CPU_ISA_LEVEL == 1
#define SCIDL_ISA_NAMESPACE isa_avx2
#define SCIDL_ISA_TARGET SCIDL_PRAGMA(GCC target("avx2,fma,bmi,bmi2,f16c,lzcnt,popcnt,movbe"))
#elif SCIDL_CPU_ISA_LEVEL == 2
#define SCIDL_ISA_NAMESPACE isa_avx512
// One target for the whole copy (a member function defined under another target than it was
// declared under is a different function to GCC). prefer-vector-width=512: loops calling glibc's
// vector exp/tanh (vector_math.h) get its 512-bit variants (the 256-bit ones measured 3x
// slower). The AMX and AVX512-BF16 instructions appear only where amx_bf16.cpp writes them, and
// run only when amx::enabled() says the CPU and OS have them.
#define SCIDL_ISA_TARGET                                                 \
  SCIDL_PRAGMA(GCC target("avx2,fma,bmi,bmi2,f16c,lzcnt,popcnt,movbe",   \
                          "avx512f,avx512bw,avx512dq,avx512vl,avx512cd", \
                          "prefer-vector-width=512", "amx-tile,amx-bf16,avx512bf16"))
#elif SCIDL_CPU_ISA_LEVEL == 3
// aarch64's Advanced SIMD (NEON): part of the ARMv8-A baseline every aarch64 compiler targets,
// so it needs no target of its own; it differs from the portable copy in simd16.h and the tile
// shapes. (The levels are isa.h's Isa values, not an order: 3 is not above AVX-512.)
#define SCIDL_ISA_NAMESPACE isa_neon
#define SCIDL_ISA_TARGET
#else
#error "SCIDL_CPU_ISA_LEVEL must be 0 (portable), 1 (AVX2), 2 (AVX-512) or 3 (NEON)"
#endif

// The portable and NEON copies keep the build's own flags (and so also build with clang).
#if SCIDL_CPU_ISA_LEVEL == 0 || SCIDL_CPU_ISA_LEVEL == 3
#define SCIDL_ISA_PUSH
#define SCIDL_ISA_POP
#else
#define SCIDL_ISA_PUSH SCIDL_PRAGMA(GCC push_options) SCIDL_ISA_TARGET
#define SCIDL_ISA_POP SCIDL_PRAGMA(GCC pop_options)
#endif

#define SCIDL_ISA_BEGIN \
  SCIDL_ISA_PUSH        \
  namespace scidl::backend::cpu::SCIDL_ISA_NAMESPACE {
#define SCIDL_ISA_END \
  }                   \
  SCIDL_ISA_POP
