// CRC-32C against published check values (the CRC catalogue, RFC 3720) and TensorBoard's mask.
#include "scidl/io/crc32c.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace scidl::io {
namespace {

TEST(Crc32c, CheckValueOf123456789IsE3069283) {
  EXPECT_EQ(crc32c("123456789"), 0xE3069283u);
  EXPECT_EQ(crc32c_portable("123456789", 9), 0xE3069283u);
}

TEST(Crc32c, EmptyInputGivesZero) { EXPECT_EQ(crc32c(nullptr, 0), 0u); }

TEST(Crc32c, MatchesTheIscsiTestVectorsOfRfc3720) {
  std::vector<unsigned char> zeros(32, 0x00), ones(32, 0xFF), ascending(32);
  for (int i = 0; i < 32; ++i) ascending[i] = static_cast<unsigned char>(i);
  EXPECT_EQ(crc32c(zeros.data(), zeros.size()), 0x8A9136AAu);
  EXPECT_EQ(crc32c(ones.data(), ones.size()), 0x62A8AB43u);
  EXPECT_EQ(crc32c(ascending.data(), ascending.size()), 0x46DD794Eu);
}

TEST(Crc32c, HardwareAndTableAgreeOnEveryLengthAndAlignment) {
  std::mt19937 rng(7);
  std::vector<unsigned char> bytes(300);
  for (auto& b : bytes) b = static_cast<unsigned char>(rng());
  for (std::size_t start = 0; start < 8; ++start)
    for (std::size_t size = 0; start + size <= bytes.size(); size += 1 + size / 8)
      ASSERT_EQ(crc32c(bytes.data() + start, size), crc32c_portable(bytes.data() + start, size))
          << "start " << start << " size " << size;
}

TEST(Crc32c, ExtendingInPiecesEqualsOneCall) {
  const std::string text = "The quick brown fox jumps over the lazy dog";
  const std::uint32_t whole = crc32c(text);
  for (std::size_t split = 0; split <= text.size(); ++split) {
    const std::uint32_t head = crc32c(text.data(), split);
    EXPECT_EQ(crc32c_extend(head, text.data() + split, text.size() - split), whole);
  }
}

TEST(Crc32c, MaskRotatesAndAddsTheTfRecordConstant) {
  // Expected values from tensorboard.compat.tensorflow_stub.pywrap_tensorflow.masked_crc32c.
  EXPECT_EQ(masked_crc32c(crc32c("123456789")), 0xC78AB0E5u);
  const unsigned char zero_length[8] = {};
  EXPECT_EQ(masked_crc32c(crc32c(zero_length, 8)), 0x07980329u);
  const unsigned char length_24[8] = {24};
  EXPECT_EQ(masked_crc32c(crc32c(length_24, 8)), 0x224B7FA3u);
  for (std::uint32_t crc : {0u, 1u, 0xE3069283u, 0xFFFFFFFFu, 0x80000000u})
    EXPECT_EQ(unmask_crc32c(masked_crc32c(crc)), crc);
}

}  // namespace
}  // namespace scidl::io
