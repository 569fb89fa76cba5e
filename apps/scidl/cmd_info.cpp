// scidl info: what this build runs on (instruction set and kernel families of the CPU backend,
// BLAS library, threads, version), so a slow run can be diagnosed in one command.
#include <fmt/core.h>
#include <omp.h>

#include <string>

#include "command.h"
#include "scidl/backend/cpu/amx_bf16.h"
#include "scidl/backend/cpu/blas.h"
#include "scidl/backend/cpu/conv_kernels.h"
#include "scidl/backend/cpu/conv_onednn.h"
#include "scidl/backend/cpu/conv_winograd.h"
#include "scidl/backend/cpu/dense_kernels.h"
#include "scidl/backend/cpu/isa.h"

namespace {

namespace cpu = scidl::backend::cpu;

// One family's line: on in the running copy, or off by SCIDL_KERNELS.
std::string family_state(cpu::Family family) {
  if (!cpu::family_on(family))
    return fmt::format("off (SCIDL_KERNELS=no-{})", cpu::family_name(family));
  return fmt::format("on ({} copy)", cpu::isa_name(cpu::active_isa()));
}

void print_kernels() {
  const cpu::Isa isa = cpu::active_isa();
  fmt::print("instruction set: {}, {} ({})\n", cpu::isa_name(isa), cpu::isa_description(isa),
             cpu::isa_choice_reason());
  std::string usable;
  for (cpu::Isa i : cpu::usable_isas())
    usable += (usable.empty() ? "" : ", ") + std::string(cpu::isa_name(i));
  fmt::print("instruction sets this CPU and build can run: {} (SCIDL_KERNELS=<set> forces one)\n",
             usable);
  fmt::print("dense kernels: {}\n", family_state(cpu::Family::Dense));
  fmt::print("convolution kernels: {}\n", family_state(cpu::Family::Conv));
  fmt::print("Winograd kernels: {}\n", family_state(cpu::Family::Winograd));

  fmt::print("oneDNN convolutions: {}\n", cpu::onednn::compiled_in()
                                              ? family_state(cpu::Family::Onednn)
                                              : std::string("not built (libdnnl-dev)"));
  fmt::print("AMX tiles: {}\n",
             cpu::amx::enabled() ? "on (dense layers of widths in multiples of 32, from 512 rows; "
                                   "SCIDL_KERNELS=no-amx turns them off)"
                                 : "off (no AMX-BF16 on this CPU or OS, not the avx512 copy, or "
                                   "SCIDL_KERNELS=no-amx)");
}

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
    print_kernels();
  });
});

}  // namespace
