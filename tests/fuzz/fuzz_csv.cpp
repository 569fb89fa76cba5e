// libFuzzer target: the CSV reader (data/csv.h), with every header and delimiter mode, a text
// column, and the first-row reader.
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
  if ((mode / 9) % 2 == 1) options.text_columns = {std::int64_t{0}};  // labels in column 0
  const bool first_row_only = (mode / 18) % 2 == 1;  // what predict reads to decide a header
  scidl::fuzz::on_file(data + (size > 0), size - (size > 0), ".csv", [&](const auto& path) {
    if (first_row_only)
      read_csv_first_row(path);
    else
      read_csv(path, options);
  });
  return 0;
}
