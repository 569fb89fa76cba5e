// The CPU backend's instruction sets (backend/cpu/isa.h): SCIDL_KERNELS's words, the choice
// they make on this CPU, and every usable copy of the backend computing the same values.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <vector>

#include "../test_util.h"
#include "scidl/backend/cpu/isa.h"
#include "scidl/backend/cpu/isa_copy.h"

namespace scidl::testing {
namespace {

namespace cpu = backend::cpu;

std::string refusal(const char* text) {
  try {
    cpu::parse_kernel_settings(text, cpu::usable_isas());
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "";
}

TEST(KernelSettings, NothingSetChoosesTheBestSetThisCpuRunsWithEveryFamilyOn) {
  for (const char* text : {static_cast<const char*>(nullptr), "", " , "}) {
    const cpu::KernelSettings s = cpu::parse_kernel_settings(text, cpu::usable_isas());
    EXPECT_EQ(s.isa, cpu::usable_isas().back());
    EXPECT_EQ(s.why, "the best this CPU supports");
    for (bool on : s.family_on) EXPECT_TRUE(on);
  }
}

TEST(KernelSettings, ASetAndFamiliesOffAreTakenInAnyOrder) {
  const cpu::KernelSettings s =
      cpu::parse_kernel_settings(" no-winograd, portable ,no-amx", cpu::usable_isas());
  EXPECT_EQ(s.isa, cpu::Isa::Portable);
  EXPECT_EQ(s.why, "SCIDL_KERNELS= no-winograd, portable ,no-amx");
  EXPECT_TRUE(s.family_on[int(cpu::Family::Dense)]);
  EXPECT_FALSE(s.family_on[int(cpu::Family::Winograd)]);
  EXPECT_FALSE(s.family_on[int(cpu::Family::Amx)]);
  EXPECT_TRUE(s.family_on[int(cpu::Family::Onednn)]);
}

TEST(KernelSettings, AnUnknownWordIsRefusedWithTheValidOnesAndWhatThisCpuRuns) {
  const std::string e = refusal("portable,no-gemm");
  EXPECT_NE(e.find("unknown word \"no-gemm\""), std::string::npos) << e;
  for (const char* word : {"portable", "avx2", "avx512", "neon", "no-dense", "no-conv",
                           "no-winograd", "no-amx", "no-onednn"})
    EXPECT_NE(e.find(word), std::string::npos) << word << ": " << e;
  EXPECT_NE(e.find("This CPU and build can run: portable"), std::string::npos) << e;
  EXPECT_NE(refusal("AVX2").find("unknown word \"AVX2\""), std::string::npos);
}

TEST(KernelSettings, TwoSetsAreRefused) {
  EXPECT_NE(refusal("portable,portable").find("names two instruction sets"), std::string::npos);
}

// On a CPU that runs every copy this build holds but the best (AVX-512 on x86-64, NEON on
// aarch64), that best set is refused by name and the message lists what can run.
TEST(KernelSettings, ASetThisCpuLacksIsRefusedNamingIt) {
  std::vector<cpu::Isa> lesser_cpu;
  for (cpu::Isa isa : cpu::kIsas)
    if (cpu::compiled_in(isa)) lesser_cpu.push_back(isa);
  const cpu::Isa best = lesser_cpu.back();
  lesser_cpu.pop_back();
  if (lesser_cpu.empty()) GTEST_SKIP() << "this build holds the portable copy alone";
  EXPECT_EQ(cpu::parse_kernel_settings(nullptr, lesser_cpu).isa, lesser_cpu.back());
  std::string can_run;
  for (cpu::Isa isa : lesser_cpu)
    can_run += (can_run.empty() ? "" : ", ") + std::string(cpu::isa_name(isa));
  try {
    cpu::parse_kernel_settings(cpu::isa_name(best), lesser_cpu);
    FAIL() << "expected " << cpu::isa_name(best) << " to be refused";
  } catch (const std::invalid_argument& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find(std::string("\"") + cpu::isa_name(best) + "\" (" + cpu::isa_description(best)),
              std::string::npos)
        << m;
    EXPECT_NE(m.find("is not supported by this CPU"), std::string::npos) << m;
    EXPECT_NE(m.find("can run: " + can_run), std::string::npos) << m;
  }
}

// SCIDL_KERNELS=avx2 caps OpenBLAS too: each set names the OpenBLAS kernels for it.
TEST(KernelSettings, EachSetNamesItsOpenBlasKernels) {
  EXPECT_STREQ(cpu::openblas_core_type(cpu::Isa::Avx2), "Haswell");
  EXPECT_STREQ(cpu::openblas_core_type(cpu::Isa::Avx512), "SkylakeX");
  EXPECT_STREQ(cpu::openblas_core_type(cpu::Isa::Portable), "");
  EXPECT_STREQ(cpu::openblas_core_type(cpu::Isa::Neon), "");
}

// A build holds the sets of its architecture: x86-64's three, or portable and NEON on aarch64
// (which every aarch64 CPU has); a set of the other one is refused by name.
TEST(KernelSettings, TheBuildHoldsTheSetsOfItsArchitectureAndRefusesTheOthers) {
#if defined(__aarch64__)
  const std::vector<cpu::Isa> own = {cpu::Isa::Portable, cpu::Isa::Neon};
  EXPECT_EQ(cpu::usable_isas(), own);
#elif defined(__x86_64__)
  const std::vector<cpu::Isa> own = {cpu::Isa::Portable, cpu::Isa::Avx2, cpu::Isa::Avx512};
#else
  const std::vector<cpu::Isa> own = {cpu::Isa::Portable};
#endif
  for (cpu::Isa isa : cpu::kIsas) {
    const bool ours = std::find(own.begin(), own.end(), isa) != own.end();
    EXPECT_EQ(cpu::compiled_in(isa), ours) << cpu::isa_name(isa);
    if (ours) continue;
    const std::string e = refusal(cpu::isa_name(isa));
    EXPECT_NE(e.find(std::string("\"") + cpu::isa_name(isa) + "\" is not compiled into this build"),
              std::string::npos)
        << e;
    EXPECT_NE(e.find(cpu::isa_description(isa)), std::string::npos) << e;
  }
}

// What `scidl info` prints: the set running, why, and each family's state.
TEST(KernelSettings, TheReportNamesTheRunningSetWhyAndEachFamily) {
  const std::string report = cpu::describe_kernels();
  const cpu::Isa isa = cpu::active_isa();
  EXPECT_NE(report.find(std::string("instruction set: ") + cpu::isa_name(isa) + ", " +
                        cpu::isa_description(isa) + " (" + cpu::isa_choice_reason() + ")"),
            std::string::npos)
      << report;
  for (const char* line : {"dense kernels: ", "convolution kernels: ", "Winograd kernels: ",
                           "oneDNN (convolutions, recurrent steps): ", "AMX tiles: "})
    EXPECT_NE(report.find(line), std::string::npos) << line << report;
  std::printf("%s", report.c_str());  // the aarch64 run's log says what qemu ran
}

TEST(KernelSettings, SwitchingTheActiveSetSwitchesTheBackendAndBack) {
  const cpu::Isa before = cpu::active_isa();
  for (cpu::Isa isa : cpu::usable_isas()) {
    cpu::ActiveIsaScope scope(isa);
    EXPECT_EQ(cpu::active_isa(), isa);
    EXPECT_EQ(&backend::backend_for(kCPU), cpu::isa_copy(isa).backend);
  }
  EXPECT_EQ(cpu::active_isa(), before);
}

// Every copy computes what the portable one does, to float32 rounding (FMA contraction and
// glibc's vector exp differ between sets in the last bits): a chain of layers with the ops
// most networks use, forward and backward.
TEST(KernelSettings, EveryUsableCopyTrainsASmallNetworkAlike) {
  auto run = [](cpu::Isa isa) {
    cpu::ActiveIsaScope scope(isa);
    Generator gen(11);
    Tensor x = uniform({200, 8}, -1, 1, DType::Float32, gen);
    Tensor w1 = uniform({32, 8}, -0.5, 0.5, DType::Float32, gen).requires_grad_(true);
    Tensor w2 = uniform({3, 32}, -0.5, 0.5, DType::Float32, gen).requires_grad_(true);
    Tensor h = tanh(matmul(x, transpose(w1, 0, 1)));
    Tensor y = softmax(matmul(h, transpose(w2, 0, 1)), 1);
    Tensor loss = mean(mul(y, y));
    loss.backward();
    return std::vector<Tensor>{y.detach(), w1.grad(), w2.grad()};
  };
  const std::vector<Tensor> portable = run(cpu::Isa::Portable);
  for (cpu::Isa isa : cpu::usable_isas()) {
    const std::vector<Tensor> other = run(isa);
    for (size_t i = 0; i < portable.size(); ++i)
      expect_close(other[i], portable[i],
                   std::string(cpu::isa_name(isa)) + " result " + std::to_string(i));
  }
}

}  // namespace
}  // namespace scidl::testing
