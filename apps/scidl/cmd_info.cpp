// scidl info: what this build runs on (BLAS library and kernel family, scidl's own dense and
// AMX kernels, threads, version), so
// a slow run can be diagnosed in one command.
#include <fmt/core.h>
#include <omp.h>

#include "command.h"
#include "scidl/backend/cpu/amx_bf16.h"
#include "scidl/backend/cpu/blas.h"
#include "scidl/backend/cpu/dense_kernels.h"

namespace {

SCIDL_COMMAND([](CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "info", "Show the BLAS library, scidl's own kernel families and thread counts");
  cmd->callback([] {
    const auto& blas = scidl::backend::cpu::blas();
    fmt::print("scidl {}\n", SCIDL_VERSION);
    fmt::print("threads: {} (OpenMP; BLAS shares the pool when it is the OpenMP build)\n",
               omp_get_max_threads());
    fmt::print("BLAS: {}\n", blas.library);
    fmt::print("OPENBLAS_CORETYPE: {}\n",
               blas.core_type.empty() ? "(left to OpenBLAS)" : blas.core_type);
    if (!blas.config.empty()) fmt::print("OpenBLAS config: {}\n", blas.config);
    namespace cpu = scidl::backend::cpu;
    fmt::print("dense kernels: {}\n", cpu::dense::enabled()     ? "AVX-512 (scidl's own)"
                                      : cpu::dense::available() ? "off (SCIDL_DENSE_KERNELS=0)"
                                                                : "not built (no AVX-512): BLAS");
    fmt::print("AMX tiles: {}\n",
               cpu::amx::enabled()
                   ? "on (dense layers of widths in multiples of 32, from 512 rows; SCIDL_AMX=0 "
                     "turns them off)"
                   : "off (no AMX-BF16 on this CPU or OS, or SCIDL_AMX=0)");
  });
});

}  // namespace
