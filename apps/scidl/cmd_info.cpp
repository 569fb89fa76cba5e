// scidl info: what this build runs on (instruction set and kernel families of the CPU backend,
// BLAS library, threads, version), so a slow run can be diagnosed in one command.
#include <fmt/core.h>
#include <omp.h>

#include "command.h"
#include "scidl/backend/cpu/blas.h"
#include "scidl/backend/cpu/isa.h"

namespace {

namespace cpu = scidl::backend::cpu;

SCIDL_COMMAND([](CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "info", "Show the instruction set and kernel families the CPU backend runs, BLAS, threads");
  cmd->callback([] {
    const auto& blas = cpu::blas();
    fmt::print("scidl {}\n", SCIDL_VERSION);
    fmt::print("threads: {} (OpenMP; BLAS shares the pool when it is the OpenMP build)\n",
               omp_get_max_threads());
    fmt::print("BLAS: {}\n", blas.library);
    fmt::print("OPENBLAS_CORETYPE: {}\n",
               blas.core_type.empty() ? "(left to OpenBLAS)" : blas.core_type);
    if (!blas.config.empty()) fmt::print("OpenBLAS config: {}\n", blas.config);
    fmt::print("{}", cpu::describe_kernels());
  });
});

}  // namespace
