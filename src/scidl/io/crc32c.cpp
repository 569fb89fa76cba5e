// CRC-32C: SSE4.2 instruction when compiled in, byte-at-a-time table otherwise.
#include "scidl/io/crc32c.h"

#include <array>
#include <cstring>

#if defined(__SSE4_2__)
#include <nmmintrin.h>
#endif

namespace scidl::io {
namespace {

constexpr std::uint32_t kReflectedPolynomial = 0x82F63B78u;

constexpr std::array<std::uint32_t, 256> make_table() {
  std::array<std::uint32_t, 256> table{};
  for (std::uint32_t byte = 0; byte < 256; ++byte) {
    std::uint32_t crc = byte;
    for (int bit = 0; bit < 8; ++bit) crc = (crc >> 1) ^ ((crc & 1u) ? kReflectedPolynomial : 0u);
    table[byte] = crc;
  }
  return table;
}

constexpr std::array<std::uint32_t, 256> kTable = make_table();

// Both helpers work on the raw (pre-inverted) register; callers apply the 0xFFFFFFFF xors.
std::uint32_t update_table(std::uint32_t state, const unsigned char* p, std::size_t size) {
  for (std::size_t i = 0; i < size; ++i) state = (state >> 8) ^ kTable[(state ^ p[i]) & 0xFFu];
  return state;
}

#if defined(__SSE4_2__)
std::uint32_t update_hardware(std::uint32_t state, const unsigned char* p, std::size_t size) {
  std::uint64_t wide = state;
  for (; size >= 8; p += 8, size -= 8) {
    std::uint64_t word;
    std::memcpy(&word, p, 8);  // unaligned-safe; the instruction reads bytes in memory order
    wide = _mm_crc32_u64(wide, word);
  }
  auto narrow = static_cast<std::uint32_t>(wide);
  for (; size > 0; ++p, --size) narrow = _mm_crc32_u8(narrow, *p);
  return narrow;
}
#endif

}  // namespace

bool crc32c_uses_hardware() {
#if defined(__SSE4_2__)
  return true;
#else
  return false;
#endif
}

std::uint32_t crc32c_extend(std::uint32_t crc, const void* data, std::size_t size) {
  const auto* bytes = static_cast<const unsigned char*>(data);
#if defined(__SSE4_2__)
  return ~update_hardware(~crc, bytes, size);
#else
  return ~update_table(~crc, bytes, size);
#endif
}

std::uint32_t crc32c(const void* data, std::size_t size) { return crc32c_extend(0, data, size); }

std::uint32_t crc32c_portable(const void* data, std::size_t size) {
  return ~update_table(~0u, static_cast<const unsigned char*>(data), size);
}

}  // namespace scidl::io
