#include "scidl/backend/cpu/denormals.h"

#include <omp.h>

#include <cstdlib>
#include <cstring>

#if defined(__SSE__)
#include <xmmintrin.h>
#endif

namespace scidl::backend::cpu {

namespace {
#if defined(__SSE__)
constexpr unsigned kFlushBits = 0x8040;  // FTZ (bit 15) | DAZ (bit 6)
void set_mode(bool flush) {
  _mm_setcsr(flush ? _mm_getcsr() | kFlushBits : _mm_getcsr() & ~kFlushBits);
}
#elif defined(__aarch64__)
constexpr unsigned kFlushBits = 1u << 24;  // FPCR.FZ: denormal inputs and results
void set_mode(bool flush) {
  const unsigned fpcr = __builtin_aarch64_get_fpcr();
  __builtin_aarch64_set_fpcr(flush ? fpcr | kFlushBits : fpcr & ~kFlushBits);
}
#else
void set_mode(bool) {}
#endif

void set_mode_everywhere(bool flush) {
  set_mode(flush);
#pragma omp parallel
  set_mode(flush);
}
}  // namespace

FlushDenormalsScope::FlushDenormalsScope() {
  const char* v = std::getenv("SCIDL_FLUSH_DENORMALS");
  if ((v && std::strcmp(v, "0") == 0) || flushes_denormals()) return;
  set_mode_everywhere(true);
  changed_ = flushes_denormals();
}

FlushDenormalsScope::~FlushDenormalsScope() {
  if (changed_) set_mode_everywhere(false);
}

bool flushes_denormals() {
#if defined(__SSE__)
  return (_mm_getcsr() & kFlushBits) == kFlushBits;
#elif defined(__aarch64__)
  return __builtin_aarch64_get_fpcr() & kFlushBits;
#else
  return false;
#endif
}

}  // namespace scidl::backend::cpu
