#include "scidl/data/table_reader.h"

#include <algorithm>
#include <cctype>
#include <string>

#include "scidl/data/gretl_data.h"

namespace scidl::data {
namespace {

bool ends_with_ignoring_case(const std::string& text, const std::string& suffix) {
  return text.size() >= suffix.size() &&
         std::equal(suffix.rbegin(), suffix.rend(), text.rbegin(), [](char a, char b) {
           return std::tolower(static_cast<unsigned char>(a)) ==
                  std::tolower(static_cast<unsigned char>(b));
         });
}

}  // namespace

CsvTable read_table(const std::filesystem::path& path, const CsvOptions& options) {
  const std::string name = path.filename().string();
  if (ends_with_ignoring_case(name, ".gdt") || ends_with_ignoring_case(name, ".gdt.gz")) {
    return read_gretl_data(path, options);
  }
  if (ends_with_ignoring_case(name, ".gdtb")) {
    throw CsvError(path.string() +
                   ": gretl's binary data format (.gdtb) is not read; store the data from "
                   "gretl as a .gdt file (store \"name.gdt\")");
  }
  return read_csv(path, options);
}

}  // namespace scidl::data
