// libFuzzer target: the CSV reader (data/csv.h), with every header and delimiter mode.
#include "fuzz_file.h"
#include "scidl/data/csv.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace scidl::data;
  // The first byte picks the options, the rest is the file.
  const uint8_t mode = size > 0 ? data[0] : 0;
  CsvOptions options;
  options.header = mode % 3 == 0   ? CsvHeader::Auto
                   : mode % 3 == 1 ? CsvHeader::Present
                                   : CsvHeader::Absent;
  options.delimiter = (mode / 3) % 3 == 0   ? CsvDelimiter::Auto
                      : (mode / 3) % 3 == 1 ? CsvDelimiter::Comma
                                            : CsvDelimiter::Whitespace;
  scidl::fuzz::on_file(data + (size > 0), size - (size > 0), ".csv",
                       [&](const auto& path) { read_csv(path, options); });
  return 0;
}
