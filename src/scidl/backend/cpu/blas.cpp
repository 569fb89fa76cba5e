#include "scidl/backend/cpu/blas.h"

#include "scidl/backend/cpu/isa.h"

#include <dlfcn.h>
#include <omp.h>

#include <cstdlib>
#include <stdexcept>

namespace scidl::backend::cpu {

namespace {

Blas load_blas() {
  Blas b;
  if (const char* set = std::getenv("OPENBLAS_CORETYPE")) {
    b.core_type = set;  // the user's choice wins
  } else {
    b.core_type = openblas_core_type(active_isa());
    if (!b.core_type.empty()) setenv("OPENBLAS_CORETYPE", b.core_type.c_str(), 0);
  }
  const char* candidates[] = {
      "/usr/lib/x86_64-linux-gnu/openblas-openmp/libopenblas.so.0",
      "/usr/lib/aarch64-linux-gnu/openblas-openmp/libopenblas.so.0",
      "libopenblas.so.0",
      "libblas.so.3",
  };
  for (const char* name : candidates) {
    void* handle = dlopen(name, RTLD_NOW | RTLD_LOCAL);
    if (!handle) continue;
    b.sgemm = reinterpret_cast<SgemmFn>(dlsym(handle, "cblas_sgemm"));
    b.dgemm = reinterpret_cast<DgemmFn>(dlsym(handle, "cblas_dgemm"));
    if (!b.sgemm || !b.dgemm) {
      dlclose(handle);
      continue;
    }
    b.library = name;
    if (auto get_config = reinterpret_cast<char* (*)()>(dlsym(handle, "openblas_get_config")))
      b.config = get_config();
    b.threads = omp_get_max_threads();
    if ((b.set_threads =
             reinterpret_cast<void (*)(int)>(dlsym(handle, "openblas_set_num_threads"))))
      b.set_threads(b.threads);
    return b;
  }
  throw std::runtime_error(
      "no CBLAS library found (tried the OpenMP OpenBLAS, libopenblas.so.0, libblas.so.3): "
      "install it with `apt-get install libopenblas0-openmp` or run scripts/setup.sh");
}

}  // namespace

SingleThreadedBlas::SingleThreadedBlas() : saved_omp_threads_(omp_get_max_threads()) {
  if (blas().set_threads) blas().set_threads(1);
}

SingleThreadedBlas::~SingleThreadedBlas() {
  // The OpenMP build of OpenBLAS also sets the calling thread's OpenMP thread count.
  if (blas().set_threads) blas().set_threads(blas().threads);
  omp_set_num_threads(saved_omp_threads_);
}

const Blas& blas() {
  static const Blas instance = load_blas();
  return instance;
}

}  // namespace scidl::backend::cpu
