#include "scidl/backend/cpu/isa.h"

#include "scidl/backend/cpu/isa_copy.h"

#include <fmt/format.h>

#if defined(__aarch64__)
#include <asm/hwcap.h>
#include <sys/auxv.h>
#endif

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <iterator>
#include <stdexcept>

namespace scidl::backend::cpu {

// Each compiled copy of the backend (CMakeLists.txt says which exist).
namespace isa_portable {
const IsaCopy& the_copy();
}
#if defined(SCIDL_BUILT_AVX2)
namespace isa_avx2 {
const IsaCopy& the_copy();
}
#endif
#if defined(SCIDL_BUILT_AVX512)
namespace isa_avx512 {
const IsaCopy& the_copy();
}
#endif
#if defined(SCIDL_BUILT_NEON)
namespace isa_neon {
const IsaCopy& the_copy();
}
#endif

namespace {

#if defined(SCIDL_BUILT_AVX2)
constexpr bool kBuiltAvx2 = true;
#else
constexpr bool kBuiltAvx2 = false;
#endif
#if defined(SCIDL_BUILT_AVX512)
constexpr bool kBuiltAvx512 = true;
#else
constexpr bool kBuiltAvx512 = false;
#endif
#if defined(SCIDL_BUILT_NEON)
constexpr bool kBuiltNeon = true;
#else
constexpr bool kBuiltNeon = false;
#endif

// What scidl knows of each set, in kIsas's order.
struct IsaFacts {
  const char* name;
  const char* description;
  const char* openblas_core;  // OpenBLAS's kernel family for it ("": OpenBLAS's own choice)
  bool compiled_in;
};
constexpr IsaFacts kFacts[] = {
    {"portable", "portable (the build's baseline instructions)", "", true},
    {"avx2", "AVX2 + FMA (x86-64-v3)", "Haswell", kBuiltAvx2},
    {"avx512", "AVX-512 F/BW/DQ/VL/CD (x86-64-v4)", "SkylakeX", kBuiltAvx512},
    // No cap for OpenBLAS: below its own choice for this CPU there is only its generic ARMV8.
    {"neon", "NEON / Advanced SIMD (aarch64)", "", kBuiltNeon},
};
constexpr const char* kFamilyNames[kFamilyCount] = {"dense", "conv", "winograd", "amx", "onednn"};

}  // namespace

const char* isa_name(Isa isa) { return kFacts[int(isa)].name; }
const char* isa_description(Isa isa) { return kFacts[int(isa)].description; }
const char* openblas_core_type(Isa isa) { return kFacts[int(isa)].openblas_core; }

bool cpu_supports(Isa isa) {
  switch (isa) {
    case Isa::Portable:
      return true;
#if defined(__x86_64__) && defined(__GNUC__)
    case Isa::Avx2:
      __builtin_cpu_init();
      return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") &&
             __builtin_cpu_supports("bmi2");
    case Isa::Avx512:
      __builtin_cpu_init();
      return cpu_supports(Isa::Avx2) && __builtin_cpu_supports("avx512f") &&
             __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512dq") &&
             __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512cd");
#elif defined(__aarch64__)
    case Isa::Neon:  // part of ARMv8-A, but the kernel says so
      return getauxval(AT_HWCAP) & HWCAP_ASIMD;
#endif
    default:
      return false;
  }
  return false;
}

bool compiled_in(Isa isa) { return kFacts[int(isa)].compiled_in; }

std::vector<Isa> usable_isas() {
  std::vector<Isa> out;
  for (Isa isa : kIsas)
    if (compiled_in(isa) && cpu_supports(isa)) out.push_back(isa);
  return out;
}

const char* family_name(Family family) { return kFamilyNames[int(family)]; }

namespace {

std::string list_of(const std::vector<Isa>& isas) {
  std::string list;
  for (Isa isa : isas) list += std::string(list.empty() ? "" : ", ") + isa_name(isa);
  return list;
}

std::string valid_words() {
  std::string words = list_of({std::begin(kIsas), std::end(kIsas)});
  for (Family f : kFamilies) words += std::string(", no-") + family_name(f);
  return words;
}

[[noreturn]] void refuse(const std::string& what, const std::vector<Isa>& usable) {
  throw std::invalid_argument(fmt::format(
      "SCIDL_KERNELS: {}. Valid words, comma-separated: {}. This CPU and build can run: {}", what,
      valid_words(), list_of(usable)));
}

}  // namespace

KernelSettings parse_kernel_settings(const char* text, const std::vector<Isa>& usable) {
  KernelSettings s;
  s.isa = usable.back();
  s.why = "the best this CPU supports";
  std::string all = text ? text : "";
  bool isa_named = false;
  size_t begin = 0;
  while (begin <= all.size()) {
    size_t end = all.find(',', begin);
    if (end == std::string::npos) end = all.size();
    std::string word = all.substr(begin, end - begin);
    while (!word.empty() && word.front() == ' ') word.erase(word.begin());
    while (!word.empty() && word.back() == ' ') word.pop_back();
    begin = end + 1;
    if (word.empty()) continue;
    bool known = false;
    for (Isa isa : kIsas)
      if (word == isa_name(isa)) {
        if (isa_named) refuse(fmt::format("names two instruction sets (\"{}\")", all), usable);
        if (std::find(usable.begin(), usable.end(), isa) == usable.end())
          refuse(compiled_in(isa) ? fmt::format("\"{}\" ({}) is not supported by this CPU", word,
                                                isa_description(isa))
                                  : fmt::format("\"{}\" is not compiled into this build (it is {})",
                                                word, isa_description(isa)),
                 usable);
        s.isa = isa;
        s.why = fmt::format("SCIDL_KERNELS={}", all);
        isa_named = known = true;
      }
    for (int f = 0; f < kFamilyCount; ++f)
      if (word == std::string("no-") + family_name(kFamilies[f])) {
        s.family_on[f] = false;
        known = true;
      }
    if (!known) refuse(fmt::format("unknown word \"{}\"", word), usable);
  }
  return s;
}

namespace {

struct ActiveSettings {
  std::atomic<int> isa;
  std::atomic<bool> family_on[kFamilyCount];
  std::string why;
};

ActiveSettings& active() {
  static ActiveSettings* settings = [] {
    const KernelSettings parsed =
        parse_kernel_settings(std::getenv("SCIDL_KERNELS"), usable_isas());
    auto* a = new ActiveSettings;
    a->isa.store(int(parsed.isa));
    for (int f = 0; f < kFamilyCount; ++f) a->family_on[f].store(parsed.family_on[f]);
    a->why = parsed.why;
    return a;
  }();
  return *settings;
}

}  // namespace

const IsaCopy& isa_copy(Isa isa) {
  switch (isa) {
#if defined(SCIDL_BUILT_AVX512)
    case Isa::Avx512:
      return isa_avx512::the_copy();
#endif
#if defined(SCIDL_BUILT_AVX2)
    case Isa::Avx2:
      return isa_avx2::the_copy();
#endif
#if defined(SCIDL_BUILT_NEON)
    case Isa::Neon:
      return isa_neon::the_copy();
#endif
    default:
      return isa_portable::the_copy();
  }
}

const IsaCopy& active_copy() { return isa_copy(active_isa()); }

Isa active_isa() { return Isa(active().isa.load(std::memory_order_relaxed)); }
const std::string& isa_choice_reason() { return active().why; }
bool family_on(Family family) {
  return active().family_on[int(family)].load(std::memory_order_relaxed);
}
void set_family_on(Family family, bool on) { active().family_on[int(family)].store(on); }

void set_active_isa(Isa isa) {
  if (!compiled_in(isa) || !cpu_supports(isa))
    refuse(fmt::format("\"{}\" cannot run here", isa_name(isa)), usable_isas());
  active().isa.store(int(isa));
}

Backend& active_backend() { return *active_copy().backend; }

}  // namespace scidl::backend::cpu
