// libFuzzer target: the TensorBoard event-file reader (io/tensorboard_reader.h), which decodes
// TFRecord framing and protobuf by hand.
#include "fuzz_file.h"
#include "scidl/io/tensorboard_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  scidl::fuzz::on_file(data, size, ".tfevents",
                       [](const auto& path) { scidl::io::read_tensorboard_events(path); });
  return 0;
}
