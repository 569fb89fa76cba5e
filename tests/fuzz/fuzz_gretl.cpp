// libFuzzer target: gretl's data files (data/gretl_data.h), plain or gzip-compressed, and the
// column choice over a file that reads (the calendar's "year" first, then the first variable).
// The input is the whole file, so the seeds are real .gdt files.
#include "fuzz_file.h"
#include "scidl/data/gretl_data.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace scidl::data;
  scidl::fuzz::on_file(data, size, ".gdt", [](const auto& path) {
    read_gretl_data(path);
    read_gretl_data(path, {.columns = {std::string("year"), std::int64_t{0}}});
  });
  return 0;
}
