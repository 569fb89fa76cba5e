// Vector versions of exp, log, tanh and pow for loops the compiler vectorises: glibc's libmvec
// has them (16 floats or 8 doubles per call with AVX-512, within 4 ulp), but math.h declares
// them only under -ffast-math, which scidl does not use. Declared here, a `#pragma omp simd`
// loop calling std::exp(float) calls _ZGVeN16v_expf instead of expf 16 times: 0.8 ns instead of
// 14 ns per element for exp, 0.8 instead of 34 for tanh (sigmoid and tanh networks, softmax).
// Include it only in translation units compiled with -mprefer-vector-width=512 (CMakeLists.txt):
// with 256-bit vectors GCC picks the AVX2 variants, which measured 3x slower here.
// aarch64's libmvec (glibc 2.38) is newer than Debian 12's glibc: there the loops stay scalar.
#pragma once

#if defined(__x86_64__)
extern "C" {
__attribute__((simd("notinbranch"))) float expf(float) noexcept;
__attribute__((simd("notinbranch"))) double exp(double) noexcept;
__attribute__((simd("notinbranch"))) float logf(float) noexcept;
__attribute__((simd("notinbranch"))) double log(double) noexcept;
__attribute__((simd("notinbranch"))) float tanhf(float) noexcept;
__attribute__((simd("notinbranch"))) double tanh(double) noexcept;
__attribute__((simd("notinbranch"))) float powf(float, float) noexcept;
__attribute__((simd("notinbranch"))) double pow(double, double) noexcept;
}
#endif
