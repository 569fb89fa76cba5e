// Which instruction set scidl's CPU backend runs with, and which of its kernel families.
//
// The backend's compute code (backend/cpu, but for the files named in CMakeLists.txt as shared)
// is compiled once per instruction set, each copy in its own namespace (isa_region.h); at start
// the best set this CPU supports is chosen, so one binary runs everywhere and fast on each CPU.
// SCIDL_KERNELS overrides the choice: comma-separated words, each an instruction set (the most
// the backend may use: portable, avx2, avx512 on x86-64; portable, neon on aarch64) or a
// family turned off (no-dense, no-conv,
// no-winograd, no-amx, no-onednn); e.g. SCIDL_KERNELS=avx2,no-winograd. A word it does not
// know, or a set this CPU lacks, stops the program at its first use of the backend with a
// message listing the valid words and what this CPU supports.
#pragma once
#include <string>
#include <vector>

namespace scidl::backend {
class Backend;
}

namespace scidl::backend::cpu {

// Ordered within an architecture: each x86-64 set includes the ones before it, and NEON (the
// aarch64 copy) is above portable alone. A build holds the sets of its own architecture
// (compiled_in), so the last usable set is the best.
enum class Isa { Portable, Avx2, Avx512, Neon };
constexpr Isa kIsas[] = {Isa::Portable, Isa::Avx2, Isa::Avx512, Isa::Neon};

const char* isa_name(Isa isa);  // "portable", "avx2", "avx512", "neon": SCIDL_KERNELS's words
const char* isa_description(Isa isa);  // what the set is, for `scidl info`
// The OpenBLAS kernel family for the set ("": OpenBLAS's own detection), which blas.cpp sets so
// that SCIDL_KERNELS=avx2 caps the GEMMs too.
const char* openblas_core_type(Isa isa);
bool cpu_supports(Isa isa);  // this CPU (and its OS) runs code compiled for `isa`
bool compiled_in(Isa isa);   // this build holds a copy of the backend for `isa`
// The sets both compiled in and supported here, lowest first.
std::vector<Isa> usable_isas();

// scidl's own kernel families (and oneDNN: convolutions, recurrent steps), each off by "no-<name>".
enum class Family { Dense, Conv, Winograd, Amx, Onednn };
constexpr int kFamilyCount = 5;
constexpr Family kFamilies[kFamilyCount] = {Family::Dense, Family::Conv, Family::Winograd,
                                            Family::Amx, Family::Onednn};
const char* family_name(Family family);

struct KernelSettings {
  Isa isa = Isa::Portable;
  std::string why;  // how `isa` was chosen, for `scidl info`
  bool family_on[kFamilyCount] = {true, true, true, true, true};
};
// SCIDL_KERNELS's text (null or empty: the defaults) against the sets this CPU and build can
// run (usable_isas(); tests pass others). Throws std::invalid_argument naming the bad word, the
// valid ones and what can run.
KernelSettings parse_kernel_settings(const char* text, const std::vector<Isa>& usable);

// The settings of this process (from SCIDL_KERNELS at first use), and what tests change.
Isa active_isa();
const std::string& isa_choice_reason();
bool family_on(Family family);
void set_family_on(Family family, bool on);  // tests and benchmarks: both paths in one process
// What `scidl info` prints of the above: the set running and why, the sets usable here, and each
// family's state, one line each.
std::string describe_kernels();

// Runs the backend's copy for `isa` from now on (tests run every copy in one process); throws
// std::invalid_argument when it is not usable here.
void set_active_isa(Isa isa);

// The backend's copy for the active set.
Backend& active_backend();

// Switches to `isa` for a scope and back (tests).
class ActiveIsaScope {
 public:
  explicit ActiveIsaScope(Isa isa) : saved_(active_isa()) { set_active_isa(isa); }
  ~ActiveIsaScope() { set_active_isa(saved_); }
  ActiveIsaScope(const ActiveIsaScope&) = delete;
  ActiveIsaScope& operator=(const ActiveIsaScope&) = delete;

 private:
  Isa saved_;
};

}  // namespace scidl::backend::cpu
