// GEMM from a CBLAS library loaded at run time. Loading it ourselves, after setting
// OPENBLAS_CORETYPE from the CPU's features, gives Debian's OpenBLAS 0.3.21 its AVX-512 kernels
// on CPUs it does not recognise (it would otherwise fall back to SSE3, 5x slower). We prefer
// the OpenMP build of OpenBLAS so BLAS and our own loops share one thread pool.
#pragma once
#include <cstdint>
#include <string>
#include <type_traits>

namespace scidl::backend::cpu {

enum CblasOrder { kRowMajor = 101 };
enum CblasTranspose { kNoTrans = 111, kTrans = 112 };

using SgemmFn = void (*)(int, int, int, int, int, int, float, const float*, int, const float*, int,
                         float, float*, int);
using DgemmFn = void (*)(int, int, int, int, int, int, double, const double*, int, const double*,
                         int, double, double*, int);

struct Blas {
  SgemmFn sgemm = nullptr;
  DgemmFn dgemm = nullptr;
  std::string library;                 // the file that was loaded
  std::string core_type;               // what OPENBLAS_CORETYPE was set to ("" if left alone)
  std::string config;                  // openblas_get_config(), when available
  void (*set_threads)(int) = nullptr;  // openblas_set_num_threads, when available
  int threads = 1;                     // what BLAS runs with by default
};

// Runs BLAS single-threaded for the scope: products too small to split pay more in thread
// wake-ups (and, on a busy machine, in waiting for a descheduled partner) than they save.
class SingleThreadedBlas {
 public:
  SingleThreadedBlas();
  ~SingleThreadedBlas();
  SingleThreadedBlas(const SingleThreadedBlas&) = delete;
  SingleThreadedBlas& operator=(const SingleThreadedBlas&) = delete;

 private:
  int saved_omp_threads_;
};

// Loads the library on first use (thread-safe); throws with the package to install if none.
const Blas& blas();

// c = alpha op(a) op(b) + beta c on row-major matrices, op the transpose where ta/tb.
template <typename T>
void gemm(bool ta, bool tb, int64_t m, int64_t n, int64_t k, T alpha, const T* a, int64_t lda,
          const T* b, int64_t ldb, T beta, T* c, int64_t ldc) {
  const auto& lib = blas();
  const auto tA = ta ? kTrans : kNoTrans, tB = tb ? kTrans : kNoTrans;
  if constexpr (std::is_same_v<T, float>)
    lib.sgemm(kRowMajor, tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
  else
    lib.dgemm(kRowMajor, tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

}  // namespace scidl::backend::cpu
