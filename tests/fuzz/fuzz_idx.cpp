// libFuzzer target: the IDX reader (data/idx.h), plain and gzip, and the conversion to a tensor.
#include "fuzz_file.h"
#include "scidl/data/idx.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace scidl;
  scidl::fuzz::on_file(data, size, "-idx", [](const auto& path) {
    const data::IdxArray array = data::read_idx(path);
    idx_to_tensor(array, DType::Float32, 1.0 / 255);
  });
  return 0;
}
