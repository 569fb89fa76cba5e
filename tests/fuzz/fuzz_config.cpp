// libFuzzer target: a training config (io/config_reader.h's TOML parsing, then
// train::parse_run_config, which checks every key, type and choice).
#include <string>

#include "scidl/io/config_reader.h"
#include "scidl/train/run_config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    auto doc = scidl::io::parse_config_string(
        std::string(reinterpret_cast<const char*>(data), size), "fuzz.toml");
    scidl::train::parse_run_config(doc, "/nonexistent");
  } catch (const std::exception&) {
    // rejected with a message
  }
  return 0;
}
