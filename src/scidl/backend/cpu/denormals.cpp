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
void set_on_this_thread() { _mm_setcsr(_mm_getcsr() | kFlushBits); }
#else
void set_on_this_thread() {}
#endif
}  // namespace

bool flush_denormals() {
  const char* v = std::getenv("SCIDL_FLUSH_DENORMALS");
  if (v && std::strcmp(v, "0") == 0) return false;
  set_on_this_thread();
#pragma omp parallel
  set_on_this_thread();
  return true;
}

bool flushes_denormals() {
#if defined(__SSE__)
  return (_mm_getcsr() & kFlushBits) == kFlushBits;
#else
  return false;
#endif
}

}  // namespace scidl::backend::cpu
