// libFuzzer target: loading a model file (nn/model_io.h: the container of io/model_file.h, then
// the model its JSON describes, then its weights). The container's CRC-32 would reject almost
// every mutation before the header is parsed, so the target writes the right CRC over the
// mutated bytes first (when the input is long enough to have a trailer): what is fuzzed is
// everything behind the checksum.
#include <zlib.h>

#include <vector>

#include "fuzz_file.h"
#include "scidl/nn/model_io.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::vector<uint8_t> bytes(data, data + size);
  constexpr size_t kTrailer = 12;  // u32 CRC, then "SCIDLEND"
  if (bytes.size() >= 20 + kTrailer) {
    const size_t covered = bytes.size() - kTrailer;
    const uLong crc = ::crc32_z(::crc32_z(0, nullptr, 0), bytes.data(), covered);
    for (int i = 0; i < 4; ++i) bytes[covered + i] = uint8_t(crc >> (8 * i));
  }
  scidl::fuzz::on_file(bytes.data(), bytes.size(), ".scidl",
                       [](const auto& path) { scidl::io::load_model(path); });
  return 0;
}
