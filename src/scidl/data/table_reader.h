// The one place that reads a user's table, whatever its format: gretl data files (.gdt, also
// gzip-compressed as .gdt.gz; data/gretl_data.h) by their name, everything else as CSV
// (data/csv.h). Both return the same CsvTable and take the same column choices, so a caller
// needs no case per format. gretl's binary .gdtb is refused with the way to convert it.
#pragma once

#include <filesystem>

#include "scidl/data/csv.h"

namespace scidl::data {

CsvTable read_table(const std::filesystem::path& path, const CsvOptions& options = {});

}  // namespace scidl::data
