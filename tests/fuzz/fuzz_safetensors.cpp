// libFuzzer target: the safetensors reader (io/safetensors.h).
#include <map>

#include "fuzz_file.h"
#include "scidl/io/safetensors.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  scidl::fuzz::on_file(data, size, ".safetensors", [](const auto& path) {
    std::map<std::string, std::string> metadata;
    scidl::io::read_safetensors(path, &metadata);
  });
  return 0;
}
