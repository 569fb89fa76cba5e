// CRC-32C (Castagnoli) checksums and the masked form TensorBoard's record files store.
// Contract: crc32c(data) is the standard CRC-32C (reflected polynomial 0x82F63B78, initial value
// and final xor 0xFFFFFFFF; crc32c("123456789") == 0xE3069283). It uses the SSE4.2 crc32
// instruction when the build enables it (__SSE4_2__) and a lookup table otherwise; both give the
// same bits. masked_crc32c / unmask_crc32c are the TFRecord mask and its inverse.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace scidl::io {

// True when crc32c() runs on the SSE4.2 instruction rather than the table.
bool crc32c_uses_hardware();

// CRC-32C of `size` bytes at `data`.
std::uint32_t crc32c(const void* data, std::size_t size);
inline std::uint32_t crc32c(std::string_view bytes) { return crc32c(bytes.data(), bytes.size()); }

// Continues a CRC-32C over more bytes: crc32c_extend(crc32c(a), b) == crc32c(a + b).
std::uint32_t crc32c_extend(std::uint32_t crc, const void* data, std::size_t size);

// The table-driven implementation, always compiled; tests compare it with crc32c().
std::uint32_t crc32c_portable(const void* data, std::size_t size);

// TFRecord's mask: rotate right by 15 bits, then add 0xA282EAD8 (mod 2^32). A CRC stored next to
// data that itself holds CRCs is masked so that checksumming it again does not degenerate.
constexpr std::uint32_t masked_crc32c(std::uint32_t crc) {
  return ((crc >> 15) | (crc << 17)) + 0xA282EAD8u;
}
constexpr std::uint32_t unmask_crc32c(std::uint32_t masked) {
  const std::uint32_t rotated = masked - 0xA282EAD8u;
  return (rotated >> 17) | (rotated << 15);
}

}  // namespace scidl::io
